"""Matched DiD: features, the nearest-neighbour choice of comparators and their pool, and
recovery of the synthetic country's true effect on a couple of seeds."""

from __future__ import annotations

import numpy as np
import pytest

from specialmeasures.domain import InputError
from specialmeasures.evaluation.matched import MatchOptions, features, match
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


def test_pool_excludes_trusts_treated_inside_the_window() -> None:
    y = np.vstack([_series(-1.0), _series(-1.0), _series(-1.0) + 3.0, _series(-1.0)])
    # Row 1 enters inside row 0's window; row 3 enters after it (not yet treated): eligible.
    g = np.array([36, 40, -1, 55])
    matches, _ = match(y[:, :60], g, (-12, 12), MatchOptions(neighbours=2, baseline_months=12))
    first = matches.treated.index(0)
    assert set(matches.controls[first]) == {2, 3}


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
