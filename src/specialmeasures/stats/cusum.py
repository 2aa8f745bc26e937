"""Log-likelihood CUSUM charts: Bernoulli, risk-adjusted Bernoulli, Poisson (O-E) and normal.

Arrays in, frozen result out. Every chart runs on many series at once: records carry a series
code and the recursion runs over blocks of time for all series together (see
:func:`cusum_path`), so 20 million patient records take a few numpy passes, not 20 million
Python steps.

Charts follow R ``cusum`` 0.4.2 (lhubig/cusum, commit 5631ab17): weights are log-likelihood
ratios of an odds multiplier R_A against R = 1; a deterioration chart (R_A > 1) is
C_t = max(0, C_{t-1} + W_t) with a signal when C_t >= h; an improvement chart (R_A < 1) is
C_t = min(0, C_{t-1} - W_t) with a signal when C_t <= h < 0; after a signal the chart restarts
at 0 (and the stored value at the signal is 0) unless ``reset=False``. One deliberate
difference: a limit of the wrong sign for the chart's direction is an error here (the reference
only warns). See ``docs/cusum.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CusumOptions",
    "CusumResult",
    "TabularCusumResult",
    "bernoulli_cusum",
    "bernoulli_weights",
    "cusum_path",
    "poisson_cusum",
    "poisson_weights",
    "risk_adjusted_cusum",
    "risk_adjusted_weights",
    "tabular_cusum",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

#: Elements per block of the blocked recursion (rows x time steps); bounds temporary memory at
#: roughly 2**22 x 8 bytes per work array.
BLOCK_ELEMENTS = 1 << 22
#: Shortest block along time; many short series are processed 64 steps at a time.
MIN_BLOCK = 64
#: qcc default shift to detect, in standard errors; the reference value is k = shift / 2
#: (qcc R/cusum.R, ``se.shift = 1``).
QCC_SE_SHIFT = 1.0
#: qcc default decision interval h in standard errors (``decision.interval = 5``).
QCC_DECISION_INTERVAL = 5.0


@dataclass(frozen=True)
class CusumOptions:
    """Validated options shared by the log-likelihood CUSUM charts.

    Parameters
    ----------
    limit : float
        Decision interval h: positive for a deterioration chart (``odds_ratio > 1``), negative
        for an improvement chart (``odds_ratio < 1``).
    odds_ratio : float
        Odds (or rate) multiplier R_A under the alternative; 2 doubles the odds of failure.
    reset : bool
        Restart the chart at 0 after each signal.
    """

    limit: float
    odds_ratio: float = 2.0
    reset: bool = True

    def __post_init__(self) -> None:
        r = self.odds_ratio
        if isinstance(r, bool) or not isinstance(r, int | float) or not math.isfinite(r) or r <= 0:
            raise ValueError(f"odds_ratio must be a positive finite number (got {r!r})")
        if r == 1:
            raise ValueError("odds_ratio must differ from 1 (1 detects no change)")
        h = self.limit
        if isinstance(h, bool) or not isinstance(h, int | float) or not math.isfinite(h):
            raise ValueError(f"limit must be a finite number (got {h!r})")
        if r > 1 and h <= 0:
            raise ValueError(f"limit must be positive when odds_ratio > 1 (got {h!r})")
        if r < 1 and h >= 0:
            raise ValueError(f"limit must be negative when odds_ratio < 1 (got {h!r})")
        if not isinstance(self.reset, bool):
            raise ValueError(f"reset must be True or False (got {self.reset!r})")

    @property
    def improvement(self) -> bool:
        """Whether the chart looks for improvement (odds_ratio < 1)."""
        return self.odds_ratio < 1


@dataclass(frozen=True)
class CusumResult:
    """Per-record output of a CUSUM chart, in input order.

    ``t`` counts records within each series from 1; ``ct`` is the chart value after the record
    (0 at a signal when the chart resets); ``signal`` marks ``ct >= h`` (``<= h`` when
    improving).
    """

    series: IntArray
    t: IntArray
    weight: FloatArray
    ct: FloatArray
    signal: BoolArray
    limit: FloatArray
    options: CusumOptions

    def n_signals(self) -> IntArray:
        """Number of signals per series code."""
        size = int(self.series.max()) + 1 if self.series.size else 0
        return np.bincount(self.series[self.signal], minlength=size).astype(np.intp)


def _outcomes(outcome: ArrayLike) -> FloatArray:
    y = np.asarray(outcome, dtype=np.float64).ravel()
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("outcome must hold only 0 and 1")
    return y


def _probabilities(p: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(p, dtype=np.float64)
    if not np.all((arr > 0) & (arr < 1)):
        raise ValueError(f"{name} must lie strictly between 0 and 1")
    return arr


def _check_ratio(odds_ratio: float) -> None:
    CusumOptions(limit=1.0 if odds_ratio > 1 else -1.0, odds_ratio=odds_ratio)


def bernoulli_weights(outcome: ArrayLike, p0: float, odds_ratio: float = 2.0) -> FloatArray:
    """Log-likelihood-ratio weights of a Bernoulli CUSUM with one in-control probability.

    Parameters
    ----------
    outcome : array_like of {0, 1}
        1 = failure (death), 0 = success.
    p0 : float
        In-control failure probability; values above 0.5 are recoded to ``1 - p0`` as in the
        reference (the caller inverts outcomes, see :func:`bernoulli_cusum`).
    odds_ratio : float
        Odds multiplier R_A of the alternative.

    Returns
    -------
    numpy.ndarray
        ``log(pA/p0)`` for a failure and ``log((1-pA)/(1-p0))`` for a success, with
        ``pA = R_A o0 / (1 + R_A o0)`` and ``o0 = p0 / (1 - p0)``.

    References
    ----------
    Steiner SH et al. (2000) *Biostatistics* 1:441-452. R cusum 0.4.2 ``weights_t()``.

    Examples
    --------
    >>> bernoulli_weights([1, 0], 0.1, 2).round(6).tolist()
    [0.597837, -0.09531]
    """
    y = _outcomes(outcome)
    p = float(_probabilities(p0, "p0"))
    _check_ratio(odds_ratio)
    if p > 0.5:
        p = 1.0 - p
    o0 = p / (1 - p)
    o_a = odds_ratio * o0
    p_a = o_a / (1 + o_a)
    return np.where(y == 1, math.log(p_a / p), math.log((1 - p_a) / (1 - p)))


def risk_adjusted_weights(
    outcome: ArrayLike, risk: ArrayLike, odds_ratio: float = 2.0
) -> FloatArray:
    """Steiner's risk-adjusted CUSUM weights for patients with predicted risks ``risk``.

    Parameters
    ----------
    outcome : array_like of {0, 1}
        1 = death, 0 = survival.
    risk : array_like
        Predicted probability of death p_t from the risk model, in (0, 1).
    odds_ratio : float
        Odds multiplier R_A of the alternative.

    Returns
    -------
    numpy.ndarray
        ``y log(R_A) - log(1 - p + R_A p)``.

    References
    ----------
    Steiner SH, Cook RJ, Farewell VT, Treasure T (2000) Monitoring surgical performance using
    risk-adjusted cumulative sum charts. *Biostatistics* 1:441-452.

    Examples
    --------
    >>> risk_adjusted_weights([1, 0], [0.2, 0.2], 2).round(6).tolist()
    [0.510826, -0.182322]
    """
    y = _outcomes(outcome)
    p = _probabilities(risk, "risk").ravel()
    if p.shape != y.shape:
        raise ValueError("outcome and risk must have the same length")
    _check_ratio(odds_ratio)
    denominator = 1 - p + odds_ratio * p
    return np.where(y == 1, np.log(odds_ratio / denominator), np.log(1 / denominator))


def poisson_weights(
    observed: ArrayLike, expected: ArrayLike, rate_ratio: float = 2.0
) -> FloatArray:
    """Log-likelihood ratio of Poisson(R_A E) against Poisson(E) for aggregated counts.

    Parameters
    ----------
    observed : array_like
        Observed count O_t per period (non-negative).
    expected : array_like
        Expected count E_t from the risk model (positive).
    rate_ratio : float
        Rate multiplier R_A of the alternative.

    Returns
    -------
    numpy.ndarray
        ``O_t log(R_A) - E_t (R_A - 1)``.

    References
    ----------
    Lucas JM (1985) Counted data CUSUMs. *Technometrics* 27:129-144. Rogerson PA, Yamada I
    (2004) Monitoring change in spatial patterns of disease. *Stat Med* 23:2195-2214.

    Examples
    --------
    >>> poisson_weights([3, 0], [2.0, 1.0], 2).round(6).tolist()
    [0.079442, -1.0]
    """
    o = np.asarray(observed, dtype=np.float64).ravel()
    e = np.asarray(expected, dtype=np.float64).ravel()
    if o.shape != e.shape:
        raise ValueError("observed and expected must have the same length")
    if not (np.all(np.isfinite(o)) and np.all(o >= 0)):
        raise ValueError("observed must be non-negative finite counts")
    if not (np.all(np.isfinite(e)) and np.all(e > 0)):
        raise ValueError("expected must be positive finite numbers")
    _check_ratio(rate_ratio)
    return o * math.log(rate_ratio) - e * (rate_ratio - 1)


def _series_layout(series: ArrayLike | None, n: int) -> tuple[IntArray, IntArray | None]:
    """Return (codes, order); ``order`` sorts records into contiguous series (None if they are)."""
    if series is None:
        return np.zeros(n, dtype=np.intp), None
    codes = np.asarray(series).ravel()
    if codes.shape != (n,):
        raise ValueError("series must hold one code per record")
    if not np.issubdtype(codes.dtype, np.integer):
        _, codes = np.unique(codes, return_inverse=True)
    codes = codes.astype(np.intp)
    if n and codes.min() < 0:
        raise ValueError("series codes must be non-negative")
    if n < 2 or bool(np.all(codes[1:] >= codes[:-1])):
        return codes, None
    return codes, np.argsort(codes, kind="stable")


#: Rounding slack, in units of the magnitudes involved, within which the closed form cannot tell
#: on which side of h the reference's step-by-step recursion lands (such series are replayed).
_TIE_ULPS = 16.0


def _lindley_blocks(
    w: FloatArray, h: FloatArray, starts: IntArray, lengths: IntArray, reset: bool
) -> tuple[FloatArray, BoolArray]:
    """Upper CUSUM C_t = max(0, C_{t-1} + w_t), signal C_t >= h_t, for contiguous series.

    Inside a block of B steps the recursion has the closed form (Lindley):
    C_u = S_u - min(-c, min_{v<=u} S_v) with S the running sum of the block's weights and c the
    value before the block, so a block is a cumsum and a running minimum over all series at once.
    With reset a series' block ends at its first signal and the next block starts there at 0.
    """
    n = w.size
    ct = np.zeros(n)
    signal = np.zeros(n, dtype=bool)
    position = np.zeros(starts.size, dtype=np.intp)
    carry = np.zeros(starts.size)
    active = np.flatnonzero(lengths > 0)
    near_tie = np.zeros(starts.size, dtype=bool)
    # After a signal the rest of a block is recomputed, so with frequent signals blocks shrink to
    # a few times the gap between signals (total work stays linear); they double otherwise.
    hint = BLOCK_ELEMENTS
    while active.size:
        remaining = lengths[active] - position[active]
        widest = max(MIN_BLOCK, BLOCK_ELEMENTS // active.size)
        block = int(min(int(remaining.max()), min(widest, max(hint, MIN_BLOCK))))
        offset = np.arange(block)
        valid = offset[None, :] < remaining[:, None]
        index = np.where(valid, (starts[active] + position[active])[:, None] + offset, 0)
        running = np.cumsum(np.where(valid, w[index], 0.0), axis=1)
        floor = np.minimum(np.minimum.accumulate(running, axis=1), -carry[active][:, None])
        value = running - floor
        # The closed form rounds differently from the recursion, so a value within a few ulps
        # of h may fall on the other side of it than the recursion's. Such series are replayed
        # step by step afterwards (_replay), as the reference computes them.
        slack = _TIE_ULPS * np.finfo(np.float64).eps * (np.abs(running) + np.abs(floor))
        hit = valid & (value >= h[index])
        near_tie[active] |= (valid & (np.abs(value - h[index]) <= slack)).any(axis=1)
        rows = np.arange(active.size)
        if reset:
            any_hit = hit.any(axis=1)
            first = np.where(any_hit, hit.argmax(axis=1), block)
            keep = valid & (offset[None, :] <= first[:, None])
            value = np.where(offset[None, :] == first[:, None], 0.0, value)
            advance = np.where(any_hit, first + 1, np.minimum(block, remaining))
            hint = 4 * int(first[any_hit].max()) + MIN_BLOCK if any_hit.any() else 2 * block
        else:
            keep = valid
            advance = np.minimum(block, remaining)
        ct[index[keep]] = value[keep]
        signal[index[keep]] = hit[keep]
        carry[active] = value[rows, advance - 1]
        position[active] += advance
        active = active[position[active] < lengths[active]]
    for k in np.flatnonzero(near_tie):
        _replay(w, h, int(starts[k]), int(lengths[k]), reset, ct, signal)
    return ct, signal


def _replay(
    w: FloatArray,
    h: FloatArray,
    start: int,
    length: int,
    reset: bool,
    ct: FloatArray,
    signal: BoolArray,
) -> None:
    """Recompute one series with the reference's own recursion, in its order of operations.

    R ``cusum()``: ``ct <- max(0, ct + w); if (ct >= limit) {signal; if (reset) ct <- 0}``.
    Used only for series whose closed-form values come within rounding of the limit, where
    the exact sequence of additions decides whether the chart signals.
    """
    c = 0.0
    for i in range(start, start + length):
        c = max(0.0, c + float(w[i]))
        hit = c >= float(h[i])
        if hit and reset:
            c = 0.0
        ct[i] = c
        signal[i] = hit


def cusum_path(
    weights: ArrayLike,
    options: CusumOptions,
    *,
    series: ArrayLike | None = None,
    limit: ArrayLike | None = None,
) -> CusumResult:
    """Run the CUSUM recursion over given weights, for one or many series.

    Parameters
    ----------
    weights : array_like
        Weight W_t of every record, records of a series in time order.
    options : CusumOptions
        Decision interval, direction (from ``odds_ratio``) and reset.
    series : array_like, optional
        Series code or label of every record; all records form one series when omitted.
        Records of a series keep their relative order; series may be interleaved.
    limit : array_like, optional
        Per-record (dynamic) limits overriding ``options.limit``; same sign convention.

    Returns
    -------
    CusumResult

    References
    ----------
    Page ES (1954) Continuous inspection schemes. *Biometrika* 41:100-115. R cusum 0.4.2
    ``cusum()`` and ``racusum()``.

    Examples
    --------
    >>> r = cusum_path([0.6, 0.6, -0.2, 0.6], CusumOptions(limit=1.0))
    >>> r.ct.round(2).tolist(), r.signal.tolist()
    ([0.6, 0.0, 0.0, 0.6], [False, True, False, False])
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    if not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite numbers")
    n = w.size
    h = np.broadcast_to(
        np.asarray(options.limit if limit is None else limit, dtype=np.float64), (n,)
    ).copy()
    if not np.all(np.isfinite(h)):
        raise ValueError("limit must be finite")
    if options.improvement and np.any(h >= 0):
        raise ValueError("limit must be negative when odds_ratio < 1")
    if not options.improvement and np.any(h <= 0):
        raise ValueError("limit must be positive when odds_ratio > 1")
    codes, order = _series_layout(series, n)
    sign = -1.0 if options.improvement else 1.0
    ws, hs, cs = (w, h, codes) if order is None else (w[order], h[order], codes[order])
    boundary = np.flatnonzero(np.diff(cs)) + 1 if n else np.empty(0, dtype=np.intp)
    starts = np.concatenate(([0], boundary)).astype(np.intp) if n else np.empty(0, np.intp)
    lengths = np.diff(np.append(starts, n)).astype(np.intp)
    ct_sorted, signal_sorted = _lindley_blocks(ws, sign * hs, starts, lengths, options.reset)
    t_sorted = np.arange(n) - np.repeat(starts, lengths) + 1
    if order is None:
        ct, signal, t = ct_sorted, signal_sorted, t_sorted
    else:
        ct, signal, t = np.empty(n), np.empty(n, dtype=bool), np.empty(n, dtype=np.intp)
        ct[order], signal[order], t[order] = ct_sorted, signal_sorted, t_sorted
    return CusumResult(
        series=codes,
        t=t.astype(np.intp),
        weight=w,
        ct=0.0 + sign * ct,  # 0.0 + avoids -0.0 in improvement charts
        signal=signal,
        limit=h,
        options=options,
    )


def bernoulli_cusum(
    outcome: ArrayLike,
    p0: float,
    options: CusumOptions,
    *,
    series: ArrayLike | None = None,
    weights: ArrayLike | None = None,
) -> CusumResult:
    """Bernoulli log-likelihood CUSUM with one in-control failure probability.

    Parameters
    ----------
    outcome : array_like of {0, 1}
        1 = failure, 0 = success, in time order within each series.
    p0 : float
        In-control failure probability. As in the reference, p0 > 0.5 is recoded to 1 - p0 and
        the outcomes are inverted.
    options : CusumOptions
        Limit, odds ratio and reset.
    series : array_like, optional
        Series code of every record.
    weights : array_like, optional
        Custom weights replacing the log-likelihood ratios.

    Returns
    -------
    CusumResult

    References
    ----------
    Steiner SH et al. (2000) *Biostatistics* 1:441-452. R cusum 0.4.2 ``cusum()``.

    Examples
    --------
    >>> r = bernoulli_cusum([0, 1, 1, 1, 0], 0.1, CusumOptions(limit=1.5))
    >>> r.ct.round(3).tolist(), r.signal.tolist()
    ([0.0, 0.598, 1.196, 0.0, 0.0], [False, False, False, True, False])
    """
    y = _outcomes(outcome)
    p = float(_probabilities(p0, "p0"))
    if p > 0.5:
        y = 1.0 - y
    w = (
        bernoulli_weights(y, p, options.odds_ratio)
        if weights is None
        else np.asarray(weights, dtype=np.float64).ravel()
    )
    if w.shape != y.shape:
        raise ValueError("weights and outcome must have the same length")
    return cusum_path(w, options, series=series)


def risk_adjusted_cusum(
    outcome: ArrayLike,
    risk: ArrayLike,
    options: CusumOptions,
    *,
    series: ArrayLike | None = None,
    limit: ArrayLike | None = None,
) -> CusumResult:
    """Risk-adjusted Bernoulli CUSUM (Steiner et al. 2000) for one or many series.

    Parameters
    ----------
    outcome : array_like of {0, 1}
        1 = death, 0 = survival, in time order within each series.
    risk : array_like
        Predicted risk of each patient, in (0, 1).
    options : CusumOptions
        Limit, odds ratio and reset.
    series : array_like, optional
        Series code of every record (e.g. provider x procedure group).
    limit : array_like, optional
        Per-patient dynamic limits.

    Returns
    -------
    CusumResult

    References
    ----------
    Steiner SH, Cook RJ, Farewell VT, Treasure T (2000) *Biostatistics* 1:441-452. R cusum
    0.4.2 ``racusum()``.

    Examples
    --------
    >>> r = risk_adjusted_cusum([1, 1, 0], [0.2, 0.2, 0.2], CusumOptions(limit=2.96))
    >>> r.ct.round(2).tolist()
    [0.51, 1.02, 0.84]
    """
    w = risk_adjusted_weights(outcome, risk, options.odds_ratio)
    return cusum_path(w, options, series=series, limit=limit)


def poisson_cusum(
    observed: ArrayLike,
    expected: ArrayLike,
    options: CusumOptions,
    *,
    series: ArrayLike | None = None,
) -> CusumResult:
    """Poisson (O-E) log-likelihood CUSUM for monthly aggregated observed and expected counts.

    Parameters
    ----------
    observed, expected : array_like
        Observed and expected counts per period, in time order within each series.
    options : CusumOptions
        Limit, rate ratio (``odds_ratio``) and reset.
    series : array_like, optional
        Series code of every period.

    Returns
    -------
    CusumResult

    References
    ----------
    Lucas JM (1985) Counted data CUSUMs. *Technometrics* 27:129-144.

    Examples
    --------
    >>> r = poisson_cusum([4, 5, 1], [2.0, 2.0, 2.0], CusumOptions(limit=2.0))
    >>> r.ct.round(3).tolist(), r.signal.tolist()
    ([0.773, 0.0, 0.0], [False, True, False])
    """
    w = poisson_weights(observed, expected, options.odds_ratio)
    return cusum_path(w, options, series=series)


@dataclass(frozen=True)
class TabularCusumResult:
    """Upper and lower tabular CUSUM (lower reported as <= 0) with strict violations."""

    statistic: FloatArray
    z: FloatArray
    upper: FloatArray
    lower: FloatArray
    violation_upper: BoolArray
    violation_lower: BoolArray
    decision_interval: float
    k: float


def tabular_cusum(
    statistic: ArrayLike,
    sizes: ArrayLike,
    *,
    center: float,
    std_dev: float,
    decision_interval: float = QCC_DECISION_INTERVAL,
    se_shift: float = QCC_SE_SHIFT,
    head_start: float = 0.0,
) -> TabularCusumResult:
    """Tabular (Page) CUSUM of standardised subgroup means, as ``qcc::cusum``.

    Parameters
    ----------
    statistic : array_like
        Subgroup means, shape ``(n,)`` or ``(n_series, n)`` for many series at once.
    sizes : array_like
        Subgroup sizes, broadcast against ``statistic``.
    center, std_dev : float
        In-control mean and process standard deviation.
    decision_interval : float
        h in standard errors (qcc default 5).
    se_shift : float
        Shift to detect in standard errors; k = se_shift / 2.
    head_start : float
        Starting value of both sides (0 <= head_start < h).

    Returns
    -------
    TabularCusumResult

    References
    ----------
    Page ES (1954) *Biometrika* 41:100-115; Montgomery DC, *Introduction to Statistical Quality
    Control*, section 9.1. qcc 3.0 ``cusum()``.

    Examples
    --------
    >>> r = tabular_cusum([1.5, 0.5, 0.6], 1, center=0, std_dev=1, decision_interval=1)
    >>> r.upper.round(2).tolist(), r.violation_upper.tolist()
    ([1.0, 1.0, 1.1], [False, False, True])
    """
    if not (math.isfinite(std_dev) and std_dev > 0):
        raise ValueError(f"std_dev must be positive (got {std_dev!r})")
    if not (math.isfinite(decision_interval) and decision_interval > 0):
        raise ValueError(f"decision_interval must be positive (got {decision_interval!r})")
    if not (0 <= head_start < decision_interval):
        raise ValueError(f"head_start must be in [0, decision_interval) (got {head_start!r})")
    x = np.asarray(statistic, dtype=np.float64)
    n = np.broadcast_to(np.asarray(sizes, dtype=np.float64), x.shape)
    z = (x - center) / (std_dev / np.sqrt(n))
    k = se_shift / 2.0
    upper, lower = np.empty_like(z), np.empty_like(z)
    pos = np.full(z.shape[:-1], float(head_start))
    neg = np.full(z.shape[:-1], float(head_start))
    for t in range(z.shape[-1]):  # sequential recursion; all series advance together
        pos = np.maximum(0.0, pos + z[..., t] - k)
        neg = np.maximum(0.0, neg - z[..., t] - k)
        upper[..., t], lower[..., t] = pos, 0.0 - neg
    return TabularCusumResult(
        statistic=x,
        z=z,
        upper=upper,
        lower=lower,
        violation_upper=upper > decision_interval,
        violation_lower=lower < -decision_interval,
        decision_interval=float(decision_interval),
        k=k,
    )
