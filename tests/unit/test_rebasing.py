"""Rebasing at a known change (register/rebasing.py): chosen dates snap to points, known
changes are suggested once per period, and advice is given only for a long, mostly special
baseline."""

from __future__ import annotations

from datetime import date

from specialmeasures.domain.standard import Standard
from specialmeasures.register.rebasing import needs_rebasing, rebase_suggestions, snap_to_periods

PERIODS = [date(2020, m, 1) for m in range(1, 13)]


def test_snap_moves_to_the_next_point_and_drops_the_edges() -> None:
    assert snap_to_periods([date(2020, 3, 15)], PERIODS) == [date(2020, 4, 1)]
    assert snap_to_periods([date(2020, 4, 1), date(2020, 3, 20)], PERIODS) == [date(2020, 4, 1)]
    assert snap_to_periods([date(2019, 1, 1), date(2020, 1, 1)], PERIODS) == []  # chart start
    assert snap_to_periods([date(2021, 1, 1)], PERIODS) == []  # after the last point


def test_advice_only_for_a_long_mostly_special_baseline() -> None:
    assert needs_rebasing(150, 148)
    assert not needs_rebasing(150, 75)
    assert not needs_rebasing(20, 19)


def test_suggestions_merge_changes_in_one_period_and_skip_the_first_standard() -> None:
    events = [(date(2020, 5, 3), "Entered X"), (date(2020, 5, 20), "Left Y")]
    standards = [
        Standard(indicator_id="i", threshold=0.95, name="Old", kind="operational",
                 valid_from=date(2010, 1, 1), valid_to=date(2020, 8, 1), source="s",
                 source_url="https://example.org"),
        Standard(indicator_id="i", threshold=0.78, name="New", kind="operational",
                 valid_from=date(2020, 8, 1), valid_to=None, source="s",
                 source_url="https://example.org"),
    ]  # fmt: skip
    out = rebase_suggestions(events, standards, PERIODS)
    assert [s["date"] for s in out] == ["2020-06-01", "2020-08-01"]
    assert out[0]["reasons"] == ["Entered X", "Left Y"]
    assert out[1]["reasons"] == ["National standard changed: New"]
