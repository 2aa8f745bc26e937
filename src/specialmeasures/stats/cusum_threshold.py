"""Choosing the decision interval h of a CUSUM: exact enumeration, simulation, run lengths.

* :func:`limit_exact` enumerates all 2^n outcome sequences (small n) as R ``cusum``'s
  ``cusum_limit_exact``;
* :func:`simulate_extremes`, :func:`limit_simulated` and :func:`false_signal_probability`
  estimate the probability of a false signal within a horizon of n patients by simulation (a
  seeded numpy generator; the reference's R random streams are not reproduced, only their
  distribution);
* :func:`arl_markov` is the Brook-Evans Markov-chain approximation of the average run length of
  a CUSUM with discrete weights (Bernoulli, risk-adjusted with a risk mix, Poisson);
* :func:`normal_cusum_arl` and :func:`normal_cusum_limit` solve the ARL integral equation of the
  normal tabular CUSUM (checked against R ``spc`` 0.6.7 ``xcusum.arl`` / ``xcusum.crit``).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize as _opt  # type: ignore[import-untyped]  # no stubs installed
from scipy import stats as _sps

__all__ = [
    "EXACT_MAX_N",
    "arl_markov",
    "false_signal_probability",
    "limit_exact",
    "limit_simulated",
    "normal_cusum_arl",
    "normal_cusum_limit",
    "simulate_extremes",
]

FloatArray = NDArray[np.float64]

#: Exact enumeration holds 2^n paths in memory; R cusum refuses n > 20 and warns above 12.
EXACT_MAX_N = 20
#: Simulated paths x patients held in memory per chunk.
SIMULATION_CHUNK_ELEMENTS = 1 << 22
#: Gauss-Legendre nodes for the ARL integral equation; the kernel is smooth (a normal density),
#: so the Nyström solution converges geometrically and 96 nodes reach ~1e-12 for h <= 10.
NORMAL_ARL_NODES = 96
#: Grid states of the Brook-Evans chain (Brook D, Evans DA (1972) Biometrika 59:539-549).
MARKOV_STATES = 400


def _check_direction(odds_ratio: float) -> None:
    if not (isinstance(odds_ratio, int | float) and math.isfinite(odds_ratio) and odds_ratio > 0):
        raise ValueError(f"odds_ratio must be a positive finite number (got {odds_ratio!r})")
    if odds_ratio == 1:
        raise ValueError("odds_ratio must differ from 1 (1 detects no change)")


def _check_alpha(alpha: float) -> None:
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise ValueError(f"alpha must lie strictly between 0 and 1 (got {alpha!r})")


def _check_p(p0: float) -> float:
    if not (isinstance(p0, int | float) and 0 < p0 < 1):
        raise ValueError(f"p0 must lie strictly between 0 and 1 (got {p0!r})")
    return float(1 - p0 if p0 > 0.5 else p0)


def _llr(p: FloatArray | float, odds_ratio: float) -> tuple[FloatArray, FloatArray]:
    """Failure and success weights; the scalar form of R cusum ``weights_t()``."""
    p_arr = np.asarray(p, dtype=np.float64)
    o_a = odds_ratio * p_arr / (1 - p_arr)
    p_a = o_a / (1 + o_a)
    return np.log(p_a / p_arr), np.log((1 - p_a) / (1 - p_arr))


def limit_exact(p0: float, n: int, odds_ratio: float, alpha: float) -> float:
    """Decision interval whose exact false-signal probability within n patients is nearest α.

    Parameters
    ----------
    p0 : float
        In-control failure probability (recoded to 1 - p0 above 0.5).
    n : int
        Number of patients (at most :data:`EXACT_MAX_N`).
    odds_ratio : float
        Odds multiplier; below 1 the improvement chart (returned limit negative).
    alpha : float
        Target probability of at least one signal within n patients.

    Returns
    -------
    float
        The value h the chart can take whose P(max C_t >= h) is closest to α (the smallest such
        h on ties).

    References
    ----------
    R cusum 0.4.2 ``cusum_limit_exact()``.

    Examples
    --------
    >>> round(limit_exact(0.1, 10, 2, 0.05), 5)
    1.41227
    """
    p = _check_p(p0)
    _check_direction(odds_ratio)
    _check_alpha(alpha)
    if not (isinstance(n, int) and 1 <= n <= EXACT_MAX_N):
        raise ValueError(f"n must be an integer in 1..{EXACT_MAX_N} for exact enumeration")
    w_fail, w_ok = (float(x) for x in _llr(p, odds_ratio))
    sign = -1.0 if odds_ratio < 1 else 1.0
    paths = np.arange(2**n, dtype=np.int64)
    ct = np.zeros(paths.size)
    path_max = np.zeros(paths.size)
    values = [ct.copy()]
    log_prob = np.zeros(paths.size)
    for j in range(n):
        failed = ((paths >> j) & 1).astype(bool)
        ct = np.maximum(0.0, ct + np.where(failed, w_fail, w_ok))
        path_max = np.maximum(path_max, ct)
        values.append(ct)
        log_prob += np.where(failed, math.log(p), math.log1p(-p))
    prob = np.exp(log_prob)
    candidates = np.unique(np.concatenate(values))
    order = np.argsort(path_max, kind="stable")
    tail = np.concatenate((np.cumsum(prob[order][::-1])[::-1], [0.0]))
    crossing = tail[np.searchsorted(path_max[order], candidates, side="left")]
    best = candidates[int(np.argmin(np.abs(alpha - crossing)))]
    return float(sign * best)


def simulate_extremes(
    n: int,
    odds_ratio: float,
    *,
    p0: float | None = None,
    risks: ArrayLike | None = None,
    n_simulation: int = 10_000,
    seed: int | None = None,
) -> FloatArray:
    """Maximum (improvement: minimum) of in-control CUSUM paths of n patients, without reset.

    Parameters
    ----------
    n : int
        Horizon in patients.
    odds_ratio : float
        Odds multiplier of the chart.
    p0 : float, optional
        Constant in-control failure probability (Bernoulli CUSUM).
    risks : array_like, optional
        Risk distribution to resample patients from with replacement (risk-adjusted CUSUM);
        exactly one of ``p0`` and ``risks`` is required.
    n_simulation : int
        Number of simulated paths.
    seed : int, optional
        Seed of the numpy generator (PCG64).

    Returns
    -------
    numpy.ndarray
        One extreme per simulated path.

    References
    ----------
    R cusum 0.4.2 ``cusum_limit_sim()`` and ``racusum_limit_sim()``; Steiner et al. (2000).

    Examples
    --------
    >>> simulate_extremes(50, 2, p0=0.1, n_simulation=4, seed=1).shape
    (4,)
    """
    _check_direction(odds_ratio)
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"n must be a positive integer (got {n!r})")
    if not (isinstance(n_simulation, int) and n_simulation >= 1):
        raise ValueError(f"n_simulation must be a positive integer (got {n_simulation!r})")
    if (p0 is None) == (risks is None):
        raise ValueError("give exactly one of p0 and risks")
    pool = None
    if risks is not None:
        pool = np.asarray(risks, dtype=np.float64).ravel()
        if pool.size == 0 or not np.all((pool > 0) & (pool < 1)):
            raise ValueError("risks must be probabilities strictly between 0 and 1")
    else:
        assert p0 is not None
        p_const = _check_p(p0)
    rng = np.random.default_rng(seed)
    sign = -1.0 if odds_ratio < 1 else 1.0
    out = np.empty(n_simulation)
    chunk = max(1, SIMULATION_CHUNK_ELEMENTS // n)
    for first in range(0, n_simulation, chunk):
        m = min(chunk, n_simulation - first)
        p = rng.choice(pool, size=(m, n)) if pool is not None else np.full((m, n), p_const)
        y = rng.random((m, n)) < p
        if pool is not None:
            denominator = 1 - p + odds_ratio * p
            w = np.where(y, np.log(odds_ratio / denominator), np.log(1 / denominator))
        else:
            w_fail, w_ok = _llr(p_const, odds_ratio)
            w = np.where(y, w_fail, w_ok)
        s = np.cumsum(w, axis=1)  # improvement: -C_t is the same recursion on W
        c = s - np.minimum(np.minimum.accumulate(s, axis=1), 0.0)  # Lindley closed form
        out[first : first + m] = sign * c.max(axis=1)
    return out


def limit_simulated(
    n: int,
    odds_ratio: float,
    alpha: float,
    *,
    p0: float | None = None,
    risks: ArrayLike | None = None,
    n_simulation: int = 10_000,
    seed: int | None = None,
) -> float:
    """Decision interval with simulated false-signal probability α within n patients.

    The (1 - α) type-7 quantile of simulated path maxima (α quantile of minima for an
    improvement chart), as R cusum ``cusum_limit_sim()`` / ``racusum_limit_sim()``.

    Parameters
    ----------
    n, odds_ratio, p0, risks, n_simulation, seed
        As :func:`simulate_extremes`.
    alpha : float
        Target false-signal probability over the horizon.

    Returns
    -------
    float

    References
    ----------
    R cusum 0.4.2 ``cusum_limit_sim()``.

    Examples
    --------
    >>> 2.5 < limit_simulated(100, 2, 0.05, p0=0.05, n_simulation=4000, seed=7) < 3.2
    True
    """
    _check_alpha(alpha)
    extremes = simulate_extremes(
        n, odds_ratio, p0=p0, risks=risks, n_simulation=n_simulation, seed=seed
    )
    q = 1 - alpha if odds_ratio > 1 else alpha
    return float(np.quantile(extremes, q, method="linear"))


def false_signal_probability(
    limit: float,
    n: int,
    odds_ratio: float,
    *,
    p0: float | None = None,
    risks: ArrayLike | None = None,
    n_simulation: int = 10_000,
    seed: int | None = None,
) -> float:
    """Simulated probability that an in-control chart signals within n patients.

    P(max C > h) for deterioration (strict, as R ``cusum_alpha_sim``), P(min C <= h) for
    improvement.

    Parameters
    ----------
    limit : float
        Decision interval h (negative for improvement).
    n, odds_ratio, p0, risks, n_simulation, seed
        As :func:`simulate_extremes`.

    Returns
    -------
    float

    References
    ----------
    R cusum 0.4.2 ``cusum_alpha_sim()`` and ``racusum_alpha_sim()``.

    Examples
    --------
    >>> 0.02 < false_signal_probability(2.96, 100, 2, p0=0.05, n_simulation=4000, seed=3) < 0.06
    True
    """
    if odds_ratio > 1 and not limit > 0:
        raise ValueError(f"limit must be positive when odds_ratio > 1 (got {limit!r})")
    if odds_ratio < 1 and not limit < 0:
        raise ValueError(f"limit must be negative when odds_ratio < 1 (got {limit!r})")
    extremes = simulate_extremes(
        n, odds_ratio, p0=p0, risks=risks, n_simulation=n_simulation, seed=seed
    )
    hits = extremes > limit if odds_ratio > 1 else extremes <= limit
    return float(np.mean(hits))


def arl_markov(
    weights: ArrayLike,
    probabilities: ArrayLike,
    limit: float,
    *,
    n_states: int = MARKOV_STATES,
) -> float:
    """Average run length of C_t = max(0, C_{t-1} + W), signal C_t >= h, W discrete.

    Brook-Evans approximation: [0, h) is cut into ``n_states`` cells (cell 0 holds the atom at
    0), each represented by its midpoint; the ARL from zero is ``((I - Q)^-1 1)[0]``.

    Parameters
    ----------
    weights : array_like
        Support of the weight distribution (e.g. the failure and success weights, or one pair
        per risk level for a risk-adjusted chart).
    probabilities : array_like
        Probability of each weight under the scenario of interest (in control: p0).
    limit : float
        Decision interval h > 0 (use the mirrored chart for improvement).
    n_states : int
        Number of transient states.

    Returns
    -------
    float

    References
    ----------
    Brook D, Evans DA (1972) An approach to the probability distribution of CUSUM run length.
    *Biometrika* 59:539-549. Steiner SH et al. (2000) *Biostatistics* 1:441-452 (section 3).

    Examples
    --------
    >>> wf, ws = 0.597837, -0.09531
    >>> 200 < arl_markov([wf, ws], [0.1, 0.9], 2.5) < 1500
    True
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    q = np.asarray(probabilities, dtype=np.float64).ravel()
    if w.shape != q.shape or w.size == 0:
        raise ValueError("weights and probabilities must have the same non-zero length")
    if np.any(q < 0) or not math.isclose(float(q.sum()), 1.0, rel_tol=1e-9):
        raise ValueError("probabilities must be non-negative and sum to 1")
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be positive (got {limit!r})")
    delta = limit / (n_states - 0.5)
    centre = np.concatenate(([0.0], (np.arange(1, n_states)) * delta))
    nxt = np.maximum(0.0, centre[:, None] + w[None, :])
    state = np.rint(nxt / delta).astype(np.intp)
    inside = nxt < limit
    transition = np.zeros((n_states, n_states))
    rows = np.broadcast_to(np.arange(n_states)[:, None], state.shape)
    np.add.at(
        transition,
        (rows[inside], np.minimum(state, n_states - 1)[inside]),
        np.broadcast_to(q, state.shape)[inside],
    )
    arl = np.linalg.solve(np.eye(n_states) - transition, np.ones(n_states))
    return float(arl[0])


def _one_sided_arl(k: float, h: float, mu: float, nodes: int) -> float:
    x, a = np.polynomial.legendre.leggauss(nodes)
    y = (x + 1) * h / 2
    a = a * h / 2
    u = np.concatenate(([0.0], y))
    # L(u) = 1 + L(0) Φ(k - u - mu) + ∫_0^h L(y) φ(y - u + k - mu) dy   (signal when C > h)
    system = np.empty((nodes + 1, nodes + 1))
    system[:, 0] = _sps.norm.cdf(k - u - mu)
    system[:, 1:] = a[None, :] * _sps.norm.pdf(y[None, :] - u[:, None] + k - mu)
    lhs = np.eye(nodes + 1) - system
    return float(np.linalg.solve(lhs, np.ones(nodes + 1))[0])


def normal_cusum_arl(
    k: float, h: float, mu: float = 0.0, *, two_sided: bool = False, nodes: int = NORMAL_ARL_NODES
) -> float:
    """ARL of the tabular CUSUM of N(mu, 1) data with reference value k, zero start, C > h.

    Parameters
    ----------
    k : float
        Reference value (allowance), k >= 0.
    h : float
        Decision interval, h > 0.
    mu : float
        Mean of the standardised observations (0 = in control).
    two_sided : bool
        Combine upper and lower charts: 1/L = 1/L+(mu) + 1/L+(-mu).
    nodes : int
        Gauss-Legendre nodes of the Nyström solution.

    Returns
    -------
    float

    References
    ----------
    Page ES (1954) *Biometrika* 41:100-115; Goel AL, Wu SM (1971) *Technometrics* 13:221-230;
    Lucas JM, Crosier RB (1982) *Technometrics* 24:199-205 (two-sided combination);
    R spc 0.6.7 ``xcusum.arl``.

    Examples
    --------
    >>> round(normal_cusum_arl(0.5, 4), 2), round(normal_cusum_arl(0.5, 4, two_sided=True), 2)
    (335.37, 167.68)
    """
    if not (math.isfinite(k) and k >= 0):
        raise ValueError(f"k must be non-negative (got {k!r})")
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"h must be positive (got {h!r})")
    upper = _one_sided_arl(k, h, mu, nodes)
    if not two_sided:
        return upper
    lower = _one_sided_arl(k, h, -mu, nodes)
    return 1.0 / (1.0 / upper + 1.0 / lower)


def normal_cusum_limit(k: float, arl0: float, *, two_sided: bool = False) -> float:
    """Decision interval h giving in-control ARL ``arl0`` for the normal tabular CUSUM.

    Parameters
    ----------
    k : float
        Reference value.
    arl0 : float
        Target in-control average run length (> 1).
    two_sided : bool
        Calibrate the two-sided scheme.

    Returns
    -------
    float

    References
    ----------
    R spc 0.6.7 ``xcusum.crit``.

    Examples
    --------
    >>> round(normal_cusum_limit(0.5, 370.4), 4)
    4.0965
    """
    if not (math.isfinite(arl0) and arl0 > 1):
        raise ValueError(f"arl0 must be greater than 1 (got {arl0!r})")

    def gap(h: float) -> float:
        return normal_cusum_arl(k, h, 0.0, two_sided=two_sided) - arl0

    high = 1.0
    while gap(high) < 0:
        high *= 2
    return float(_opt.brentq(gap, 1e-9, high, xtol=1e-13, rtol=1e-14))
