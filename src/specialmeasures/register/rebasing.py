"""Recalculating an indicator's limits at a known change (Making Data Count practice).

A long single baseline over which most points are special cause says the process changed, not
that every month was exceptional; NHS England's Making Data Count guidance is to recalculate
the limits from a known change in the system, never automatically after a run of signals
(NHSRplotthedots declined automatic rebasing, ../shared/reference/METHODS.md, issues #142 and
#151). This module finds the changes a reader may rebase at (the provider entering or leaving a
public regime, a national standard coming into force) and snaps any chosen date to the first
observed period on or after it, since the reference's rebase dates must be dates of points (a
date that is no point's does nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from specialmeasures.domain.standard import Standard

__all__ = [
    "LONG_BASELINE_POINTS",
    "MOSTLY_SPECIAL_CAUSE",
    "needs_rebasing",
    "rebase_suggestions",
    "snap_to_periods",
]

#: A baseline of at least this many points (two years of months) ...
LONG_BASELINE_POINTS = 24
#: ... with more than this share of its points special cause suggests a change of process.
MOSTLY_SPECIAL_CAUSE = 0.5


def snap_to_periods(chosen: Sequence[date], periods: Sequence[date]) -> list[date]:
    """Each chosen date moved to the first period on or after it; dates after the last period
    or on/before the first (which already starts the chart) are dropped; sorted, unique.

    >>> snap_to_periods([date(2020, 1, 15)], [date(2019, 12, 1), date(2020, 2, 1)])
    [datetime.date(2020, 2, 1)]
    """
    if not periods:
        return []
    out = set()
    for day in chosen:
        later = [p for p in periods if p >= day]
        if later and later[0] != periods[0]:
            out.add(later[0])
    return sorted(out)


def needs_rebasing(group_points: int, special_points: int) -> bool:
    """True when one baseline is long and mostly special cause (see the module docstring)."""
    return (
        group_points >= LONG_BASELINE_POINTS
        and special_points > MOSTLY_SPECIAL_CAUSE * group_points
    )


def rebase_suggestions(
    events: Sequence[tuple[date, str]], standards: Sequence[Standard], periods: Sequence[date]
) -> list[dict[str, Any]]:
    """Known changes within the series, each with the period a rebase there would start at:
    ``events`` (date, reason), e.g. regime entries and exits, and the start of each national
    standard after the first."""
    changes = list(events)
    for s in standards[1:]:
        changes.append((s.valid_from, f"National standard changed: {s.name}"))
    out: dict[date, dict[str, Any]] = {}
    for day, reason in sorted(changes):
        snapped = snap_to_periods([day], periods)
        if not snapped:
            continue
        entry = out.setdefault(
            snapped[0],
            {"date": snapped[0].isoformat(), "changed_on": day.isoformat(), "reasons": []},
        )
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
    return list(out.values())
