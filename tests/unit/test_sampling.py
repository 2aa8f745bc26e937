"""Purposive sampling: N per group, spread, reproducibility, refusals and replacements."""

from __future__ import annotations

import pytest

from factories import provider
from specialmeasures.domain import InputError, ProviderType, Setting
from specialmeasures.evaluation.sampling import Candidate, draw_sample
from specialmeasures.evaluation.thresholds import GROUPS

SETTINGS = (Setting.URBAN, Setting.SEMI_URBAN, Setting.RURAL)
TYPES = (ProviderType.ACUTE, ProviderType.ACUTE_AND_COMMUNITY, ProviderType.MENTAL_HEALTH)


def candidates() -> list[Candidate]:
    out = []
    n = 0
    for group in GROUPS:
        for i in range(9):
            n += 1
            p = provider(
                f"Z{n:02d}",
                setting=SETTINGS[i % 3],
                type=TYPES[(i // 2) % 3],
                teaching=i == 5,
                region=f"Region {i % 4}",
            )
            out.append(Candidate(p, group))
    return out


def test_two_per_group_in_table_one_order_and_reproducible() -> None:
    a = draw_sample(candidates(), per_group=2, seed=5)
    b = draw_sample(candidates(), per_group=2, seed=5)
    assert [x.row() for x in a.approaches] == [x.row() for x in b.approaches]
    assert a.counts() == {"approached": 8, "declined": 0, "included": 8}
    groups = [x.candidate.group for x in sorted(a.included, key=lambda x: x.case or 0)]
    assert groups == ["cp_only", "prolonged_poor_performer", "clear_improver", "cp_to_smq"] * 2
    other = draw_sample(candidates(), per_group=2, seed=6)
    assert [x.row() for x in other.approaches] != [x.row() for x in a.approaches]


def test_sample_spreads_over_settings() -> None:
    result = draw_sample(candidates(), per_group=2, seed=1)
    settings = {x.candidate.provider.setting for x in result.included}
    assert settings == set(SETTINGS)


def test_four_refusals_reproduce_the_seed_design() -> None:
    first = draw_sample(candidates(), per_group=2, seed=3)
    refusing = [x.candidate.provider.code for x in first.approaches[::2]]
    result = draw_sample(candidates(), per_group=2, seed=3, declined=refusing)
    assert result.counts() == {"approached": 12, "declined": 4, "included": 8}
    for a in result.approaches[8:]:
        replaced = next(x for x in result.approaches if x.candidate.provider.code == a.replaces)
        assert a.candidate.group == replaced.candidate.group
        assert a.candidate.provider.setting == replaced.candidate.provider.setting
    # The first round is unchanged by the refusals; cases stay numbered 1..8.
    assert [x.candidate for x in result.approaches[:8]] == [x.candidate for x in first.approaches]
    assert sorted(x.case for x in result.included) == list(range(1, 9))  # type: ignore[type-var]


def test_declining_a_site_never_approached_is_an_error() -> None:
    with pytest.raises(InputError, match="not approached"):
        draw_sample(candidates(), per_group=1, seed=3, declined=["NOPE"])


def test_small_group_reports_a_shortfall() -> None:
    few = [c for c in candidates() if c.group != "clear_improver"] + [
        c for c in candidates() if c.group == "clear_improver"
    ][:1]
    result = draw_sample(few, per_group=2, seed=2)
    assert dict(result.shortfall) == {"clear_improver": 1}
    assert result.counts()["included"] == 7


def test_four_in_depth_and_four_high_level_one_of_each_a_group() -> None:
    first = draw_sample(candidates(), per_group=2, seed=3)
    refusing = [a.candidate.provider.code for a in first.included[:4]]
    result = draw_sample(candidates(), per_group=2, seed=3, declined=refusing)
    included = result.included
    assert [a.row()["depth"] for a in included].count("In-depth") == 4
    assert [a.row()["depth"] for a in included].count("High-level") == 4
    for group in {a.candidate.group for a in included}:
        assert sorted(a.depth for a in included if a.candidate.group == group) == [
            "high_level",
            "in_depth",
        ]
    # A replacement takes the depth of the site it replaces.
    by_code = {a.candidate.provider.code: a for a in result.approaches}
    for a in result.approaches:
        if a.replaces is not None:
            assert a.depth == by_code[a.replaces].depth
    again = draw_sample(candidates(), per_group=2, seed=3, declined=refusing)
    assert [a.depth for a in again.approaches] == [a.depth for a in result.approaches]


def test_three_a_group_gives_two_in_depth_and_one_high_level() -> None:
    result = draw_sample(candidates(), per_group=3, seed=2)
    for group in {a.candidate.group for a in result.included}:
        depths = [a.depth for a in result.included if a.candidate.group == group]
        if len(depths) == 3:
            assert sorted(depths) == ["high_level", "in_depth", "in_depth"]
