"""Matched DiD: features, the nearest-neighbour choice of comparators and their pool, and
recovery of the synthetic country's true effect on a couple of seeds."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest

from specialmeasures.domain import InputError
from specialmeasures.evaluation.composite import composite_signs
from specialmeasures.evaluation.matched import (
    MatchOptions,
    features,
    match,
    matched_event_study,
)
from specialmeasures.evaluation.panel import Panel
from specialmeasures.evaluation.validation import validate_impact

OPTIONS = MatchOptions(neighbours=1, baseline_months=12, min_baseline=6)


def _series(dip: float, months: int = 60, at: int = 36) -> np.ndarray:
    y = np.zeros(months)
    y[at - 6 : at] = np.linspace(0.0, dip, 6)
    return y


def test_features_are_baseline_then_block_means_relative_to_it() -> None:
    y = np.vstack([_series(-1.0) + 5.0])
    f = features(y, 36, -12, OPTIONS)
    assert f.shape == (1, 5)
    assert f[0, 0] == pytest.approx(5.0)
    assert f[0, 1] == pytest.approx(0.0)
    assert f[0, 4] < f[0, 3] < 0.0


def test_features_need_data() -> None:
    y = np.full((1, 60), np.nan)
    assert np.isnan(features(y, 36, -12, OPTIONS)).all()


def test_match_picks_the_comparator_with_the_same_dip_not_the_same_level() -> None:
    treated = _series(-1.0) + 2.0
    same_dip = _series(-1.0) + 2.2  # a similar trust in a similar crisis
    low_flat = _series(0.0) + 1.0  # chronically at the treated trust's crisis level
    high_flat = _series(0.0) + 2.0
    y = np.vstack([treated, same_dip, low_flat, high_flat])
    g = np.array([36, -1, -1, -1])
    matches, unmatched = match(y, g, (-12, 12), OPTIONS)
    assert unmatched == 0
    assert matches.treated == (0,)
    assert matches.controls == ((1,),)


def test_the_composite_score_tells_a_crisis_from_noise() -> None:
    # Two comparators dip like the treated trust on the indicator; only one dips on the
    # composite of the other indicators too (a crisis), the other is the indicator's noise.
    treated = _series(-1.0)
    crisis, noise = _series(-1.0) + 0.05, _series(-1.0) - 0.05
    y = np.vstack([treated, noise, crisis, _series(0.0)])
    composite = np.vstack([_series(-1.0), _series(0.0), _series(-0.9), _series(0.0)])
    g = np.array([36, -1, -1, -1])
    assert match(y, g, (-12, 12), OPTIONS)[0].controls == ((1,),)  # a tie, broken by order
    assert match(y, g, (-12, 12), OPTIONS, composite)[0].controls == ((2,),)


def test_composite_signs_leave_out_the_outcome_and_non_monthly_indicators() -> None:
    from specialmeasures.demo.catalogue import CATALOGUE

    definitions = [s.definition for s in CATALOGUE]
    signs = composite_signs(definitions, "shmi")
    assert "shmi" not in signs
    assert "staff_engagement" not in signs
    assert signs["ae_four_hour"] == 1.0  # higher is better
    assert all(d.frequency.value == "monthly" for d in definitions if d.id in signs)


def test_pool_excludes_trusts_treated_inside_the_window() -> None:
    y = np.vstack([_series(-1.0), _series(-1.0), _series(-1.0) + 3.0, _series(-1.0)])
    # Row 1 enters inside row 0's window; row 3 enters after it (not yet treated): eligible.
    g = np.array([36, 40, -1, 55])
    matches, _ = match(y[:, :60], g, (-12, 12), MatchOptions(neighbours=2, baseline_months=12))
    first = matches.treated.index(0)
    assert set(matches.controls[first]) == {2, 3}


def _dip_panel(effect: float) -> Panel:
    """Trusts whose dip before month 36 and recovery after it scale with their depth; the
    treated trust (row 0, depth 1) is deeper than any comparator and gains ``effect``."""
    t = np.arange(72)
    shape = np.interp(t, [0, 29, 35, 36, 48, 71], [0, 0, -1, -1, 0, 0])
    depths = [1.0, *np.linspace(0.0, 0.8, 17)]
    rows = []
    for n, depth in enumerate(depths):
        y = depth * shape + (effect * (t >= 36) if n == 0 else 0.0)
        g = 36 if n == 0 else -1
        rows += [(f"T{n}", int(k), float(v), g) for k, v in zip(t, y, strict=True)]
    frame = pd.DataFrame(rows, columns=["unit", "t", "y", "g"])
    frame["rel"] = np.where(frame["g"] >= 0, frame["t"] - frame["g"], np.nan)
    return Panel("x", "entry", date(2013, 7, 1), frame)


def test_bias_correction_removes_the_gap_left_by_a_shallower_comparator() -> None:
    panel = _dip_panel(0.05)
    options = MatchOptions(neighbours=1, baseline_months=12, bias_correction=False)
    raw = matched_event_study(panel, (-12, 12), options=options)
    fixed = matched_event_study(panel, (-12, 12), options=MatchOptions(
        neighbours=1, baseline_months=12))  # fmt: skip
    # The nearest comparator (depth 0.8) recovers less than the treated trust would have.
    assert raw.att["estimate"] > 0.05 + 0.01
    assert fixed.att["estimate"] == pytest.approx(0.05, abs=1e-9)
    assert "bias correction" in fixed.notes[0]
    assert "bias correction" not in raw.notes[0]


def test_options_are_validated() -> None:
    with pytest.raises(InputError, match="neighbours"):
        MatchOptions(neighbours=0)
    with pytest.raises(InputError, match="min_baseline"):
        MatchOptions(baseline_months=6, min_baseline=7)


def test_matched_design_recovers_the_true_effect_on_observed_shmi() -> None:
    result = validate_impact("shmi", 2, first_seed=1, design="matched")
    assert result.summary["att_coverage"] == 1.0
    assert abs(result.summary["att_bias"]) < 0.01


def test_matched_design_recovers_the_true_effect_under_parallel_trends() -> None:
    result = validate_impact("ae_four_hour", 2, first_seed=1, design="matched", outcome="parallel")
    assert result.summary["att_coverage"] == 1.0
    assert abs(result.summary["att_bias"]) < 0.004


def test_unknown_design_is_refused() -> None:
    with pytest.raises(InputError, match="design"):
        validate_impact("shmi", 1, design="twfe")
