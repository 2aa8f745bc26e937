"""Hand cases for each XmR rule and option, the MDC deviations, missing values and calendar gaps,
option validation, and property tests of the vectorised kernel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specialmeasures.stats import SpcOptions, spc, spc_batch
from specialmeasures.stats.spc_options import (
    LIMIT_MULTIPLIER,
    NEAR_LIMIT_MULTIPLIER,
    SCREENING_MULTIPLIER,
)

# Twenty points alternating 0, 1: mean 0.5, every moving range 1, limits 0.5 ± 2.66.
BASE = [0.0, 1.0] * 10


def labels(values: list[float], **options: Any) -> list[str]:
    return spc_batch(np.array(values), options=SpcOptions(**options)).special_cause_type.tolist()


def months(n: int, start: tuple[int, int] = (2020, 1)) -> list[dt.date]:
    year, month = start
    out = []
    for k in range(n):
        m = month - 1 + k
        out.append(dt.date(year + m // 12, m % 12 + 1, 1))
    return out


# -- limits ------------------------------------------------------------------------------------


def test_mean_and_limits_by_hand() -> None:
    batch = spc_batch(np.array(BASE))
    assert batch.group_mean[0] == pytest.approx(0.5)
    assert batch.group_amr[0] == pytest.approx(1.0)
    assert batch.group_upl[0] == pytest.approx(0.5 + LIMIT_MULTIPLIER)
    assert batch.group_nlpl[0] == pytest.approx(0.5 - NEAR_LIMIT_MULTIPLIER)
    assert pytest.approx(2 / 3 * 2.66) == NEAR_LIMIT_MULTIPLIER


def test_screening_drops_large_moving_ranges_once() -> None:
    y = np.array([*BASE, 20.0, *BASE])
    screened = spc_batch(y)
    unscreened = spc_batch(y, options=SpcOptions(screen_outliers=False))
    mr = np.abs(np.diff(y))
    assert unscreened.group_amr[0] == pytest.approx(mr.mean())
    kept = mr[mr < SCREENING_MULTIPLIER * mr.mean()]
    assert screened.group_amr[0] == pytest.approx(kept.mean())
    assert screened.group_upl[0] < unscreened.group_upl[0]
    # the mean always uses every point
    assert screened.group_mean[0] == unscreened.group_mean[0] == pytest.approx(y.mean())


def test_fix_after_n_points_uses_the_baseline_only() -> None:
    y = np.array([*BASE[:12], *([5.0] * 8)])
    batch = spc_batch(y, options=SpcOptions(fix_after_n_points=12))
    assert batch.group_mean[0] == pytest.approx(0.5)
    assert batch.group_upl[0] == pytest.approx(0.5 + 2.66)
    # later points are judged against the baseline limits
    assert batch.special_cause_type.tolist()[12:] == ["Above UCL"] * 8


def test_constant_series_has_no_limits_and_no_flags() -> None:
    result = spc([3.0] * 15, months(15))
    assert np.isnan(result.lpl).all()
    assert result.special_cause_type.tolist() == ["Common Cause"] * 15
    assert "no limits" in result.summary().rows()[0]["warnings"]


# -- the four rules ----------------------------------------------------------------------------


def test_astronomical_point() -> None:
    assert labels([*BASE, 9.0])[-1] == "Above UCL"
    assert labels([*BASE, -9.0])[-1] == "Below LCL"


def test_seven_point_trend_and_six_point_option() -> None:
    rising = [*BASE, -0.3, -0.2, -0.1, 0.2, 0.6, 0.7, 0.8]  # six rises = 7 points
    assert labels(rising)[-7:] == ["7 Point Trend (Increasing)"] * 7
    assert labels(rising[:-1])[-6:] == ["Common Cause"] * 6
    assert labels(rising[:-1], trend_length=6)[-6:] == ["6 Point Trend (Increasing)"] * 6


def test_a_repeated_value_breaks_a_trend() -> None:
    flat_step = [*BASE, -0.3, -0.2, -0.1, -0.1, 0.2, 0.6, 0.7, 0.8]
    assert "7 Point Trend (Increasing)" not in labels(flat_step)


def test_trend_is_labelled_by_direction_not_side() -> None:
    y = [*BASE, 3.0, 2.8, 2.6, 2.4, 2.2, 2.0, 1.8]
    assert labels(y)[-7:] == ["7 Point Trend (Decreasing)"] * 7


def test_seven_points_one_side_and_six_point_option() -> None:
    y = [*BASE, *([1.5] * 6)]
    assert labels(y)[-7:] == ["7 Points Above CL"] * 7  # the last 1.0 of BASE starts the run
    assert labels([*BASE, 0.0, *([-0.5] * 5)])[-6:] == ["Common Cause"] * 6
    assert labels([*BASE, 0.0, *([-0.5] * 5)], shift_length=6)[-6:] == ["6 Points Below CL"] * 6


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    # mean = (20 + 6 * 1.5 + 1.0 + 6 * 0.5) / 33 = 1.0 exactly, so point 23 is on the mean
    y = [0.0, 2.0] * 10 + [1.5, 1.5, 1.5, 1.0, 1.5, 1.5, 1.5] + [0.5] * 6
    batch = spc_batch(np.array(y), options=SpcOptions(shift_length=6))
    assert batch.group_mean[0] == 1.0
    assert batch.relative_to_mean[23] == 0
    assert (
        batch.special_cause_type.tolist()[20:] == ["Common Cause"] * 7 + ["6 Points Below CL"] * 6
    )


def test_two_in_three_reference_and_mdc_2023() -> None:
    y = [*BASE, 1.5, 3.1, 3.3, 0.0, 1.0]
    assert labels(y)[20:] == [
        "Common Cause",
        "2 in 3 Above CL",
        "2 in 3 Above CL",
        "Common Cause",
        "Common Cause",
    ]
    # A point beyond 3 sigma does not count in the reference, but does since November 2023.
    y = [*BASE, 1.5, 10.0, 3.3, 0.0, 1.0]
    assert labels(y)[21:23] == ["Above UCL", "Common Cause"]
    assert labels(y, two_sigma_rule="mdc2023")[21:23] == ["Above UCL", "2 in 3 Above CL"]


def test_two_in_three_needs_one_side() -> None:
    y = [*BASE, 3.1, 0.6, -2.1]
    assert labels(y)[-3:] == ["Common Cause"] * 3


# -- point types, conflicts, icons -------------------------------------------------------------


def test_precedence_or_improvement_wins() -> None:
    y = np.array([*BASE, 3.0, 2.8, 2.6, 2.4, 2.2, 2.0, 1.8])
    reference = spc_batch(y)
    assert reference.point_type.tolist()[-7:] == ["special_cause_concern"] * 7
    improved = spc_batch(y, options=SpcOptions(conflict_resolution="improvement"))
    assert not any("Trend" in label for label in improved.special_cause_type.tolist())
    assert improved.point_type.tolist()[-7:] == ["special_cause_improvement"] * 7
    # neutral charts have no improvement to prefer
    neutral = spc_batch(
        y, options=SpcOptions(improvement_direction="neutral", conflict_resolution="improvement")
    )
    assert neutral.point_type.tolist()[-1] == "special_cause_neutral_low"


@pytest.mark.parametrize(
    ("direction", "last", "point_type", "icon"),
    [
        ("increase", 9.0, "special_cause_improvement", "improvement_high"),
        ("increase", -9.0, "special_cause_concern", "concern_low"),
        ("decrease", 9.0, "special_cause_concern", "concern_high"),
        ("decrease", -9.0, "special_cause_improvement", "improvement_low"),
        ("neutral", 9.0, "special_cause_neutral_high", "neutral_high"),
        ("neutral", -9.0, "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_point_types_and_variation_icons(
    direction: str, last: float, point_type: str, icon: str
) -> None:
    batch = spc_batch(
        np.array([*BASE, last]),
        options=SpcOptions(improvement_direction=direction),  # type: ignore[arg-type]
    )
    assert batch.point_type[-1] == point_type
    assert batch.variation_icon.tolist() == [icon]


@pytest.mark.parametrize(
    ("direction", "target", "icon"),
    [
        ("increase", 10.0, "fail"),
        ("increase", -10.0, "pass"),
        ("decrease", 10.0, "pass"),
        ("decrease", -10.0, "fail"),
        ("increase", 0.5 + 2.66, "inconsistent"),  # on the limit: strict comparison
        ("neutral", 10.0, None),
    ],
)
def test_assurance(direction: str, target: float, icon: str | None) -> None:
    batch = spc_batch(
        np.array(BASE),
        targets=target,
        options=SpcOptions(improvement_direction=direction),  # type: ignore[arg-type]
    )
    assert batch.assurance_icon.tolist() == [icon]


def test_no_target_no_assurance() -> None:
    assert spc_batch(np.array(BASE)).assurance_icon.tolist() == [None]


# -- rebasing, ragged batches, facets ------------------------------------------------------------


def test_rules_never_cross_a_rebase() -> None:
    y = [*BASE, *([1.5] * 4), *([1.5] * 3), *BASE]  # a rebase will split the run 4 + 3
    dates = months(len(y))
    whole = spc(y, dates)
    assert "7 Points Above CL" in whole.special_cause_type.tolist()
    rebased = spc(y, dates, rebase=[dates[24]])
    assert rebased.rebase_group.tolist() == [0] * 24 + [1] * 23
    assert "7 Points Above CL" not in rebased.special_cause_type.tolist()
    summary = rebased.summary()
    assert summary.rebase_group.tolist() == [0, 1]
    assert summary.n.tolist() == [24, 23]


def test_rebase_per_facet_and_on_missing_dates() -> None:
    dates = months(20) * 2
    facets = ["a"] * 20 + ["b"] * 20
    result = spc(BASE * 2, dates, facets=facets, rebase={"b": [dates[13], dt.date(1999, 1, 1)]})
    summary = result.summary()
    assert summary.facet.tolist() == ["a", "b", "b"]
    assert summary.rebase_group.tolist() == [0, 0, 1]
    assert summary.warnings[2] == ("short group: 7 points (< 13), trial limits",)


def test_targets_per_facet() -> None:
    dates = months(20) * 2
    result = spc(BASE * 2, dates, facets=["a"] * 20 + ["b"] * 20, target={"a": 10.0})
    # the reference gives "inconsistent" to a facet without a target once targets are set
    assert result.icons() == {"a": ("common_cause", "fail"), "b": ("common_cause", "inconsistent")}


def test_tidy_sorts_by_facet_then_date() -> None:
    dates = months(3)
    result = spc(
        [3.0, 1.0, 2.0, 9.0], [dates[2], dates[0], dates[1], dates[0]], facets=list("bbba")
    )
    assert result.facet.tolist() == ["a", "b", "b", "b"]
    assert result.value.tolist() == [9.0, 1.0, 2.0, 3.0]
    assert result.order.tolist() == [3, 1, 2, 0]


def test_two_d_batch_with_ragged_lengths() -> None:
    y = np.full((2, 25), np.nan)
    y[0, :20] = BASE
    y[1, :21] = [*BASE, 9.0]
    batch = spc_batch(y, lengths=[20, 21])
    assert batch.n_series == 2
    assert batch.group_n.tolist() == [20, 21]
    assert batch.variation_icon.tolist() == ["common_cause", "improvement_high"]


# -- missing values and calendar gaps ---------------------------------------------------------


def test_missing_values_are_reported_not_flagged() -> None:
    y = [*BASE, *([1.5] * 3), np.nan, *([1.5] * 3)]
    result = spc(y, months(len(y)))
    assert result.missing.tolist().count(True) == 1
    assert result.special_cause_type[23] == "Common Cause"
    # the gap splits the run above the mean into runs of 4 and 3
    assert "7 Points Above CL" not in result.special_cause_type.tolist()
    row = result.summary().rows()[0]
    assert row["n_missing"] == 1
    assert "1 missing values" in row["warnings"]
    assert result.mean[0] == pytest.approx(np.nanmean(y))


def test_monthly_gaps_are_detected() -> None:
    dates = months(14)
    del dates[5:7]
    result = spc(BASE[:12], dates)
    assert len(result.gaps) == 1
    gap = result.gaps[0]
    assert (str(gap.after), str(gap.before), gap.missing) == ("2020-05-01", "2020-08-01", 2)
    assert result.summary().n_gaps.tolist() == [1]
    # gaps are reported, never turned into points or special causes
    assert result.special_cause_type.tolist() == ["Common Cause"] * 12


def test_regular_daily_gaps_and_calendar_none() -> None:
    days = [dt.date(2024, 1, d) for d in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)]
    assert [g.missing for g in spc(BASE[:14], days).gaps] == [1]
    assert spc(BASE[:14], days, options=SpcOptions(calendar="none")).gaps == ()


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"improvement_direction": "up"}, "improvement_direction must be one of"),
        ({"screen_outliers": 1}, "screen_outliers must be one of"),
        ({"fix_after_n_points": 11}, "fix_after_n_points must be None or an integer >= 12"),
        ({"fix_after_n_points": 12.5}, "fix_after_n_points"),
        ({"shift_length": 8}, "shift_length must be one of 6, 7"),
        ({"trend_length": 5}, "trend_length must be one of 6, 7"),
        ({"two_sigma_rule": "2019"}, "two_sigma_rule must be one of"),
        ({"conflict_resolution": "concern"}, "conflict_resolution must be one of"),
        ({"warning_threshold": 0}, "warning_threshold must be a positive integer"),
        ({"calendar": "weekly"}, "calendar must be one of"),
    ],
)
def test_option_errors_name_the_argument(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpcOptions(**kwargs)


def test_input_errors() -> None:
    with pytest.raises(ValueError, match="duplicate date 2020-01-01 in facet 'no facet'"):
        spc([1.0, 2.0], [dt.date(2020, 1, 1)] * 2)
    with pytest.raises(ValueError, match="dates must have one entry per value"):
        spc([1.0, 2.0], months(3))
    with pytest.raises(ValueError, match="dates must be dates"):
        spc([1.0], ["yesterday"])
    with pytest.raises(ValueError, match="lengths must"):
        spc_batch(np.ones(5), lengths=[2, 2])
    with pytest.raises(ValueError, match="rebase must have the shape"):
        spc_batch(np.ones((2, 3)), rebase=np.zeros(6, bool))
    with pytest.raises(ValueError, match="target must be a number"):
        spc([1.0], months(1), target="high")  # type: ignore[arg-type]


def test_empty_input() -> None:
    batch = spc_batch(np.zeros((0, 5)))
    assert batch.n_series == 0
    assert batch.special_cause_code.size == 0


# -- properties ---------------------------------------------------------------------------------

# Integer-valued data keep every moving range exact, so screening decisions cannot flip under
# a shift; scaling by a power of two is exact in floating point.
series = st.lists(st.integers(-1000, 1000).map(float), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(series, st.integers(-(10**6), 10**6))
def test_shifting_shifts_mean_and_limits(y: list[float], c: int) -> None:
    a = spc_batch(np.array(y))
    b = spc_batch(np.array(y) + c)
    for name in ("group_mean", "group_lpl", "group_upl", "group_nlpl", "group_nupl"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name) + c, rtol=1e-12, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(series, st.integers(-6, 6))
def test_scaling_scales_mean_and_limits(y: list[float], k: int) -> None:
    c = 2.0**k
    a = spc_batch(np.array(y))
    b = spc_batch(np.array(y) * c)
    for name in ("group_mean", "group_lpl", "group_upl"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name) * c, rtol=1e-12)
    assert (b.special_cause_code == a.special_cause_code).all()


ragged = st.lists(
    st.lists(
        st.one_of(st.integers(-20, 20).map(float), st.just(float("nan"))), min_size=0, max_size=30
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(ragged, st.randoms(use_true_random=False), st.sampled_from(["precedence", "improvement"]))
def test_batch_equals_each_series_alone(rows: list[list[float]], rnd: Any, conflict: str) -> None:
    options = SpcOptions(conflict_resolution=conflict, shift_length=6)  # type: ignore[arg-type]
    rebases = [[rnd.random() < 0.1 for _ in row] for row in rows]
    flat = np.array([v for row in rows for v in row], dtype=float)
    flags = np.array([f for row in rebases for f in row], dtype=bool)
    batch = spc_batch(
        flat, lengths=[len(r) for r in rows], rebase=flags, targets=1.0, options=options
    )
    start = 0
    for s, (row, reb) in enumerate(zip(rows, rebases, strict=True)):
        end = start + len(row)
        if row:
            alone = spc_batch(np.array(row), rebase=np.array(reb), targets=1.0, options=options)
            for name in (
                "special_cause_code",
                "point_type_code",
                "outside_limits",
                "close_to_limits",
                "relative_to_mean",
                "rule_trend",
                "rule_two_in_three",
                "rule_shift",
            ):
                assert getattr(batch, name)[start:end].tolist() == getattr(alone, name).tolist()
            np.testing.assert_array_equal(batch.mean[start:end], alone.mean)
            np.testing.assert_array_equal(batch.upl[start:end], alone.upl)
            assert batch.series_variation_code[s] == alone.series_variation_code[0]
            assert batch.series_assurance_code[s] == alone.series_assurance_code[0]
        start = end
