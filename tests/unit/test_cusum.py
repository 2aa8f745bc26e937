"""Unit tests of the CUSUM kernels and thresholds: hand cases, validation, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specialmeasures.stats.cusum import (
    CusumOptions,
    bernoulli_cusum,
    cusum_path,
    poisson_cusum,
    risk_adjusted_cusum,
    tabular_cusum,
)
from specialmeasures.stats.cusum_threshold import (
    arl_markov,
    false_signal_probability,
    limit_exact,
    normal_cusum_arl,
)


def _sequential(w: list[float], h: float, reset: bool) -> tuple[list[float], list[bool]]:
    ct, out, sig = 0.0, [], []
    for x in w:
        ct = max(0.0, ct + x)
        hit = ct >= h
        if hit and reset:
            ct = 0.0
        out.append(ct)
        sig.append(hit)
    return out, sig


def test_hand_case_reset_stores_zero_at_signal() -> None:
    r = cusum_path([0.5, 0.5, 0.5, -0.2, 0.9], CusumOptions(limit=1.0))
    assert r.ct.tolist() == pytest.approx([0.5, 0.0, 0.5, 0.3, 0.0])
    assert r.signal.tolist() == [False, True, False, False, True]


def test_improvement_chart_is_non_positive_and_signals_at_or_below_h() -> None:
    r = bernoulli_cusum([0] * 40, 0.2, CusumOptions(limit=-2.0, odds_ratio=0.5))
    assert (r.ct <= 0).all()
    assert r.signal.any()


def test_p0_above_half_is_recoded_with_inverted_outcomes() -> None:
    a = bernoulli_cusum([1, 0, 0, 1], 0.7, CusumOptions(limit=3.0))
    b = bernoulli_cusum([0, 1, 1, 0], 0.3, CusumOptions(limit=3.0))
    np.testing.assert_allclose(a.ct, b.ct)


def test_poisson_cusum_hand_case() -> None:
    r = poisson_cusum([4, 5, 1], [2.0, 2.0, 2.0], CusumOptions(limit=2.0))
    assert r.ct[0] == pytest.approx(4 * math.log(2) - 2)


def test_tabular_cusum_head_start_and_many_series() -> None:
    x = np.array([[0.0, 2.0, 2.0], [0.0, -2.0, -2.0]])
    r = tabular_cusum(x, 1, center=0, std_dev=1, decision_interval=2.0, head_start=1.0)
    assert r.upper[0].tolist() == pytest.approx([0.5, 2.0, 3.5])
    assert r.lower[1].tolist() == pytest.approx([-0.5, -2.0, -3.5])
    assert r.violation_upper[0].tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"limit": 1.0, "odds_ratio": 1.0}, "odds_ratio"),
        ({"limit": 1.0, "odds_ratio": -2.0}, "odds_ratio"),
        ({"limit": -1.0, "odds_ratio": 2.0}, "limit"),
        ({"limit": 1.0, "odds_ratio": 0.5}, "limit"),
        ({"limit": float("nan")}, "limit"),
        ({"limit": 1.0, "reset": 1}, "reset"),
    ],
)
def test_options_name_the_argument(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        CusumOptions(**kwargs)  # type: ignore[arg-type]


def test_bad_data() -> None:
    with pytest.raises(ValueError, match="outcome"):
        risk_adjusted_cusum([0, 2], [0.1, 0.1], CusumOptions(limit=1.0))
    with pytest.raises(ValueError, match="risk"):
        risk_adjusted_cusum([0, 1], [0.1, 1.0], CusumOptions(limit=1.0))


def test_limit_exact_improvement_is_negative() -> None:
    assert limit_exact(0.2, 10, 0.5, 0.05) < 0


def test_markov_arl_agrees_with_simulated_run_lengths() -> None:
    p0, ratio, h = 0.1, 2.0, 2.0
    o = ratio * p0 / (1 - p0)
    pa = o / (1 + o)
    w = [math.log(pa / p0), math.log((1 - pa) / (1 - p0))]
    arl = arl_markov(w, [p0, 1 - p0], h)
    rng = np.random.default_rng(3)
    y = rng.random(400_000) < p0
    r = cusum_path(np.where(y, w[0], w[1]), CusumOptions(limit=h))
    empirical = y.size / max(int(r.signal.sum()), 1)
    assert empirical == pytest.approx(arl, rel=0.15)


def test_normal_arl_anchor() -> None:
    assert normal_cusum_arl(0.5, 5) == pytest.approx(930.89, abs=0.01)


def test_false_signal_probability_is_seeded() -> None:
    a = false_signal_probability(2.0, 50, 2, p0=0.1, n_simulation=500, seed=4)
    assert a == false_signal_probability(2.0, 50, 2, p0=0.1, n_simulation=500, seed=4)


def test_a_tie_with_the_limit_signals_as_in_the_recursion() -> None:
    # Found by Hypothesis: the closed form gives h minus an ulp where the recursion gives h.
    w, h = [-3.0, 0.7685819082538254], 0.7685819082538254
    r = cusum_path(w, CusumOptions(limit=h, reset=True))
    assert r.signal.tolist() == _sequential(w, h, True)[1] == [False, True]
    assert r.ct.tolist() == [0.0, 0.0]


weights = st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=200)


@settings(max_examples=80, deadline=None)
@given(w=weights, h=st.floats(0.1, 5), reset=st.booleans())
def test_one_sided_cusum_never_below_zero_and_matches_sequential(
    w: list[float], h: float, reset: bool
) -> None:
    r = cusum_path(w, CusumOptions(limit=h, reset=reset))
    assert (r.ct >= 0).all()
    ct, _ = _sequential(w, h, reset)
    np.testing.assert_allclose(r.ct, ct, rtol=1e-9, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    series=st.lists(weights, min_size=1, max_size=8),
    h=st.floats(0.5, 4),
    reset=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_batch_equals_per_series(
    series: list[list[float]], h: float, reset: bool, seed: int
) -> None:
    opts = CusumOptions(limit=h, reset=reset)
    codes = np.concatenate([[i] * len(s) for i, s in enumerate(series)])
    flat = np.concatenate([np.asarray(s) for s in series])
    # Interleave the series at random; each series keeps its own time order.
    shuffled_codes = codes[np.random.default_rng(seed).permutation(flat.size)]
    shuffled = np.empty(flat.size)
    for i, s in enumerate(series):
        shuffled[shuffled_codes == i] = s
    batch = cusum_path(shuffled, opts, series=shuffled_codes)
    for i, s in enumerate(series):
        single = cusum_path(s, opts)
        pos = np.flatnonzero(shuffled_codes == i)
        np.testing.assert_allclose(batch.ct[pos], single.ct, rtol=1e-12, atol=1e-12)
        assert (batch.signal[pos] == single.signal).all()
        assert batch.t[pos].tolist() == list(range(1, len(s) + 1))
