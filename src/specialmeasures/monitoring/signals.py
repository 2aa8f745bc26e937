"""Run the SPC, funnel, CUSUM and peer z-score kernels over a panel at many "as of" months.

Everything is computed for all series and all requested months together: the XmR charts of
every (series, month) window go through one :func:`~specialmeasures.stats.spc_batch` call per
block of months, every (month, indicator) funnel through one :func:`compute_funnel` call per
data type, and the CUSUM of every ratio-to-expected series through one :func:`poisson_cusum`
call over the whole history. Each method's state on month ``a`` uses only data up to ``a``
(the CUSUM is causal, so running it once over the history and reading month ``a`` off is exact),
so the screen of one date and the screen of every month of a backtest give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from specialmeasures.domain import IndicatorKind, Polarity
from specialmeasures.monitoring.options import (
    ELEVATED,
    ELEVATED_LEVEL,
    NO_EVIDENCE,
    RISK,
    RISK_LEVEL,
    ScreenOptions,
)
from specialmeasures.monitoring.panel import Panel
from specialmeasures.stats import (
    CusumOptions,
    FunnelOptions,
    SpcOptions,
    compute_funnel,
    cusum_path,
    poisson_weights,
    spc_batch,
)

__all__ = ["METHODS", "RULES", "Signals", "compute_signals"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Int8Array = NDArray[np.int8]

#: Methods, in the order of the first axis of :class:`Signals` arrays.
METHODS = ("spc", "funnel", "cusum", "peer_z")
SPC, FUNNEL, CUSUM, PEER_Z = range(4)
#: Rule names per method (codes index these tuples).
RULES: dict[str, tuple[str, ...]] = {
    "spc": ("outside_limits", "shift", "trend", "two_in_three"),
    "funnel": ("funnel_95", "funnel_998"),
    "cusum": ("cusum_signal", "cusum_half_limit"),
    "peer_z": ("peer_z_risk", "peer_z_elevated"),
}
#: Unbiasing constant d2 for moving ranges of two points: sigma = mean moving range / 1.128.
D2 = 1.128
#: Months of months to compute per SPC block: bounds the memory of the stacked windows.
SPC_BLOCK_POINTS = 2_000_000
#: Counts averaging fewer events a month than this are not charted with XmR (rare events make
#: every single event look special; MDC advises other charts for them).
RARE_COUNT_MEAN = 3.0
#: Months within which a mean-type indicator's latest value still counts (annual surveys).
PEER_Z_STALE_MONTHS = 12


@dataclass(frozen=True, eq=False)
class Signals:
    """Per method, per screening month ``at[k]`` and per series: level, rule, since, strength.

    Arrays are (method, month, series). ``level`` is 0 no evidence / 1 risk / 2 elevated risk;
    ``rule`` codes index :data:`RULES`; ``since`` is the month index the signal began (-1 none);
    ``strength`` is in sigma or z units (CUSUM: chart value over the limit); ``reference`` is
    the centre line, funnel target or peer median the latest value was judged against (NaN where
    not applicable); ``latest`` is the value on the screening month (NaN if missing).
    """

    at: IntArray
    level: Int8Array
    rule: Int8Array
    since: IntArray
    strength: FloatArray
    reference: FloatArray
    latest: FloatArray

    def indicator_level(self) -> Int8Array:
        """(month, series): the highest level over the methods."""
        return np.asarray(self.level.max(axis=0), dtype=np.int8)


def _signs(panel: Panel) -> NDArray[np.int8]:
    """+1 where higher is better, -1 where lower is better, 0 neutral (not scored)."""
    by_indicator = np.array(
        [
            {Polarity.HIGHER_IS_BETTER: 1, Polarity.LOWER_IS_BETTER: -1}.get(d.polarity, 0)
            for d in panel.indicators
        ],
        dtype=np.int8,
    )
    return by_indicator[panel.series_indicator]


def _kinds(panel: Panel) -> NDArray[np.object_]:
    kinds = np.array([d.kind for d in panel.indicators], dtype=object)
    return kinds[panel.series_indicator]


def compute_signals(panel: Panel, at: IntArray, options: ScreenOptions | None = None) -> Signals:
    """Screen every series of ``panel`` as of each month index in ``at``.

    Parameters
    ----------
    panel : Panel
    at : array of int
        Month indices into ``panel.months`` (the screening dates).
    options : ScreenOptions, optional

    Returns
    -------
    Signals
    """
    opts = options or ScreenOptions()
    at = np.asarray(at, dtype=np.intp)
    n_s, n_t = panel.value.shape
    shape = (len(METHODS), at.size, n_s)
    out = Signals(
        at=at,
        level=np.zeros(shape, dtype=np.int8),
        rule=np.full(shape, -1, dtype=np.int8),
        since=np.full(shape, -1, dtype=np.intp),
        strength=np.full(shape, np.nan),
        reference=np.full(shape, np.nan),
        latest=np.full((at.size, n_s), np.nan),
    )
    if n_s == 0 or at.size == 0:
        return out
    if at.min() < 0 or at.max() >= n_t:
        raise ValueError("at: month indices must lie within the panel's months")
    out.latest[:] = panel.value[:, at].T
    signs = _signs(panel)
    kinds = _kinds(panel)
    _spc(panel, at, signs, opts, out)
    _funnel(panel, at, signs, kinds, opts, out)
    _cusum(panel, at, signs, kinds, opts, out)
    _peer_z(panel, at, signs, kinds, opts, out)
    return out


def _spc(
    panel: Panel, at: IntArray, signs: NDArray[np.int8], opts: ScreenOptions, out: Signals
) -> None:
    """XmR charts of the latest ``spc_window`` months, limits fixed on the first
    ``spc_baseline`` of them, in the "higher is better" orientation (values times polarity)."""
    rows = np.flatnonzero(signs != 0)
    if rows.size == 0:
        return
    w = opts.spc_window
    # Each provider against the national median of the same month: removes the seasonal swing
    # and national trends that every provider shares (XmR limits assume neither).
    national = _national_median(panel)[panel.series_indicator[rows]]
    y = (panel.value[rows] - national) * signs[rows, None]
    rare = np.zeros(rows.size, dtype=bool)
    is_count = np.array([d.kind is IndicatorKind.COUNT for d in panel.indicators])
    counts = is_count[panel.series_indicator[rows]]
    if counts.any():
        typical = pd.DataFrame(panel.value[rows][counts]).mean(axis=1).to_numpy()
        rare[counts] = ~(typical >= RARE_COUNT_MEAN)
    padded = np.concatenate([np.full((rows.size, w - 1), np.nan), y], axis=1)
    windows = sliding_window_view(padded, w, axis=1)  # (rows, T, w): window ending at month t
    spc_opts = SpcOptions(improvement_direction="increase", fix_after_n_points=opts.spc_baseline)
    block = max(1, SPC_BLOCK_POINTS // max(1, rows.size * w))
    recent = opts.recent_months
    for lo in range(0, at.size, block):
        ks = np.arange(lo, min(at.size, lo + block))
        stack = windows[:, at[ks], :].transpose(1, 0, 2).reshape(-1, w)  # (k, row) order
        baseline_n = np.sum(~np.isnan(stack[:, : opts.spc_baseline]), axis=1)
        batch = spc_batch(np.ascontiguousarray(stack), options=spc_opts)
        n = stack.shape[0]
        concern = (batch.point_type_code == 2).reshape(n, w)
        concern &= ((baseline_n >= 12) & ~np.tile(rare, ks.size))[:, None]
        tail = concern[:, -recent:]
        hit = tail.any(axis=1)
        outside = batch.outside_limits.reshape(n, w)[:, -recent:] & tail
        last = w - 1 - np.argmax(tail[:, ::-1], axis=1)  # latest concern point (window index)
        r = np.arange(n)
        rule_flags = np.stack(
            [
                batch.outside_limits.reshape(n, w)[r, last],
                batch.rule_shift.reshape(n, w)[r, last],
                batch.rule_trend.reshape(n, w)[r, last],
                batch.rule_two_in_three.reshape(n, w)[r, last],
            ]
        )
        rule = np.argmax(rule_flags, axis=0).astype(np.int8)
        idx = np.arange(w)
        breaks = np.where(~concern & (idx[None, :] <= last[:, None]), idx[None, :], -1).max(axis=1)
        start = breaks + 1
        mean = batch.group_mean
        sigma = batch.group_amr / D2
        vals = stack[:, -recent:]
        worse = np.where(
            tail, (mean[:, None] - vals) / np.where(sigma > 0, sigma, np.nan)[:, None], -np.inf
        )
        strength = np.max(worse, axis=1)
        level = np.where(hit, np.where(outside.any(axis=1), ELEVATED, RISK), NO_EVIDENCE)
        k_idx = np.repeat(ks, rows.size)
        s_idx = np.tile(rows, ks.size)
        month_of_start = at[k_idx] - (w - 1) + start
        out.level[SPC, k_idx, s_idx] = level
        out.rule[SPC, k_idx, s_idx] = np.where(hit, rule, -1)
        out.since[SPC, k_idx, s_idx] = np.where(hit, month_of_start, -1)
        out.strength[SPC, k_idx, s_idx] = np.where(hit, strength, np.nan)
        # The centre line in the indicator's own units on the screening month.
        out.reference[SPC, k_idx, s_idx] = mean * signs[s_idx] + national[:, at[ks]].T.reshape(-1)


def _national_median(panel: Panel) -> FloatArray:
    """(indicator, month): the median value over providers (NaN where none)."""
    out = np.full((len(panel.indicators), panel.value.shape[1]), np.nan)
    for i in np.unique(panel.series_indicator):  # one pass per indicator, not per series
        rows = panel.series_indicator == i
        out[i] = pd.DataFrame(panel.value[rows]).median(axis=0).to_numpy(dtype=np.float64)
    return out


def _window_sums(x: FloatArray, at: IntArray, months: int) -> tuple[FloatArray, IntArray]:
    """Sum over months (a - months, a] of each series (NaN as 0) and the months present."""
    present = ~np.isnan(x)
    c = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(np.where(present, x, 0.0), 1)], 1)
    n = np.concatenate([np.zeros((x.shape[0], 1), np.intp), np.cumsum(present, 1)], 1)
    lo = np.maximum(at + 1 - months, 0)
    return (c[:, at + 1] - c[:, lo]).T, (n[:, at + 1] - n[:, lo]).T  # (k, series)


def _funnel(
    panel: Panel,
    at: IntArray,
    signs: NDArray[np.int8],
    kinds: NDArray[np.object_],
    opts: ScreenOptions,
    out: Signals,
) -> None:
    """Funnel of every provider per (month, indicator), on the latest ``funnel_months``."""
    f = opts.funnel_months
    o, n_o = _window_sums(panel.numerator, at, f)
    d, _ = _window_sums(panel.denominator, at, f)
    e, _ = _window_sums(panel.expected, at, f)
    n_ind = len(panel.indicators)
    funnel_code = np.arange(at.size)[:, None] * n_ind + panel.series_indicator[None, :]
    scored = (signs != 0)[None, :] & (n_o > 0)
    proportion = scored & (kinds == IndicatorKind.PROPORTION)[None, :] & (d > 0) & (o <= d)
    rate = scored & (kinds == IndicatorKind.RATE)[None, :] & (d > 0)
    sr = scored & (kinds == IndicatorKind.RATIO_TO_EXPECTED)[None, :] & (e > 0)
    # Rates become indirectly standardised ratios: E = exposure x the pooled rate of the funnel.
    size = at.size * n_ind
    pooled = np.bincount(funnel_code[rate], o[rate], size) / np.maximum(
        np.bincount(funnel_code[rate], d[rate], size), 1e-300
    )
    e = np.where(rate, d * pooled[funnel_code], e)
    sr = sr | (rate & (e >= 0.01))
    runs = (
        (proportion, d, FunnelOptions(data_type="PR", levels=(RISK_LEVEL, ELEVATED_LEVEL),
                                       outlier_level=ELEVATED_LEVEL)),
        (sr, e, FunnelOptions(data_type="SR", sr_method="SHMI", shmi_rounding=False,
                              levels=(RISK_LEVEL, ELEVATED_LEVEL), outlier_level=ELEVATED_LEVEL)),
    )  # fmt: skip
    for mask, denominator, fopts in runs:
        k_idx, s_idx = np.nonzero(mask)
        if k_idx.size == 0:
            continue
        _codes, dense = np.unique(funnel_code[k_idx, s_idx], return_inverse=True)
        res = compute_funnel(
            o[k_idx, s_idx], denominator[k_idx, s_idx], funnel=dense, options=fopts
        )
        adjusted = res.adjusted_effective[res.funnel]
        sign = signs[s_idx]
        levels = np.zeros(k_idx.size, dtype=np.int8)
        for i in range(2):
            lo = np.where(adjusted, res.od_lower[i], res.lower[i])
            hi = np.where(adjusted, res.od_upper[i], res.upper[i])
            worse = np.where(sign > 0, res.ratio < lo, res.ratio > hi)
            levels = np.where(worse, np.int8(i + 1), levels)
        tau2 = np.where(adjusted, res.tau2[res.funnel], 0.0)
        z = (res.y - res.target_transformed[res.funnel]) / np.sqrt(res.s**2 + tau2)
        hit = levels > 0
        out.level[FUNNEL, k_idx, s_idx] = levels
        out.rule[FUNNEL, k_idx, s_idx] = np.where(hit, levels - 1, -1)
        out.since[FUNNEL, k_idx, s_idx] = np.where(hit, at[k_idx] + 1 - f, -1)
        out.strength[FUNNEL, k_idx, s_idx] = np.where(hit, np.abs(z), np.nan)
        out.reference[FUNNEL, k_idx, s_idx] = res.target[res.funnel]


def _cusum(
    panel: Panel,
    at: IntArray,
    signs: NDArray[np.int8],
    kinds: NDArray[np.object_],
    opts: ScreenOptions,
    out: Signals,
) -> None:
    """Poisson O-E CUSUM of each ratio-to-expected series over its whole history (causal, so
    month ``a``'s state uses only months up to ``a``); missing months add nothing."""
    rows = np.flatnonzero((kinds == IndicatorKind.RATIO_TO_EXPECTED) & (signs < 0))
    if rows.size == 0:
        return
    o, e = panel.numerator[rows], panel.expected[rows]
    valid = ~np.isnan(o) & ~np.isnan(e) & (e > 0)
    w = np.zeros(o.shape)
    w[valid] = poisson_weights(o[valid], e[valid], opts.cusum_rate_ratio)
    n_t = o.shape[1]
    series = np.repeat(np.arange(rows.size), n_t)
    res = cusum_path(
        w.reshape(-1), CusumOptions(limit=opts.cusum_limit, odds_ratio=opts.cusum_rate_ratio),
        series=series,
    )  # fmt: skip
    ct = res.ct.reshape(rows.size, n_t)
    signal = res.signal.reshape(rows.size, n_t)
    t = np.arange(n_t)
    zero_at = np.where(ct <= 0, t[None, :], -1)
    last_zero_before = np.concatenate(
        [np.full((rows.size, 1), -1), np.maximum.accumulate(zero_at, axis=1)[:, :-1]], axis=1
    )
    cum_w = np.concatenate([np.zeros((rows.size, 1)), np.cumsum(w, axis=1)], axis=1)
    recent = opts.recent_months
    h = opts.cusum_limit
    for k, a in enumerate(at):
        lo = max(0, a + 1 - recent)
        sig = signal[:, lo : a + 1]
        any_sig = sig.any(axis=1)
        t_sig = lo + (sig.shape[1] - 1 - np.argmax(sig[:, ::-1], axis=1))
        r = np.arange(rows.size)
        half = ~any_sig & (ct[:, a] >= h / 2)
        t_ref = np.where(any_sig, t_sig, a)
        since = last_zero_before[r, t_ref] + 1
        peak = cum_w[r, t_ref + 1] - cum_w[r, since]
        level = np.where(any_sig, ELEVATED, np.where(half, RISK, NO_EVIDENCE))
        hit = level > 0
        out.level[CUSUM, k, rows] = level
        out.rule[CUSUM, k, rows] = np.where(any_sig, 0, np.where(half, 1, -1))
        out.since[CUSUM, k, rows] = np.where(hit, since, -1)
        out.strength[CUSUM, k, rows] = np.where(hit, peak / h, np.nan)
        out.reference[CUSUM, k, rows] = 1.0


def _peer_z(
    panel: Panel,
    at: IntArray,
    signs: NDArray[np.int8],
    kinds: NDArray[np.object_],
    opts: ScreenOptions,
    out: Signals,
) -> None:
    """Robust z-score (median, 1.4826 x MAD) of each provider's latest value among all
    providers with the indicator, for mean-type indicators (scores, times, amounts)."""
    rows = np.flatnonzero((kinds == IndicatorKind.MEAN) & (signs != 0))
    if rows.size == 0:
        return
    v = panel.value[rows]
    t = np.arange(v.shape[1])
    last = np.maximum.accumulate(np.where(~np.isnan(v), t[None, :], -1), axis=1)[:, at]  # (r, k)
    fresh = (last >= 0) & (last > at[None, :] - PEER_Z_STALE_MONTHS)
    r = np.arange(rows.size)[:, None]
    latest = np.where(fresh, v[r, np.maximum(last, 0)], np.nan).T  # (k, r)
    frame = pd.DataFrame(
        {
            "group": (np.arange(at.size)[:, None] * len(panel.indicators)
                      + panel.series_indicator[rows][None, :]).reshape(-1),
            "x": latest.reshape(-1),
        }
    )  # fmt: skip
    grouped = frame.groupby("group")["x"]
    median = grouped.transform("median").to_numpy()
    mad = (frame["x"] - median).abs().groupby(frame["group"]).transform("median").to_numpy()
    scale = 1.4826 * mad
    z = ((frame["x"].to_numpy() - median) / np.where(scale > 0, scale, np.nan)).reshape(
        latest.shape
    )
    badness = -z * signs[rows][None, :]
    level = np.where(
        badness >= opts.z_elevated, ELEVATED, np.where(badness >= opts.z_risk, RISK, 0)
    )
    hit = level > 0
    k_idx = np.repeat(np.arange(at.size), rows.size)
    s_idx = np.tile(rows, at.size)
    since = np.where(hit, last.T, -1).reshape(-1)
    out.level[PEER_Z, k_idx, s_idx] = level.reshape(-1)
    out.rule[PEER_Z, k_idx, s_idx] = np.where(hit, level - 1, -1).reshape(-1)
    out.since[PEER_Z, k_idx, s_idx] = since
    out.strength[PEER_Z, k_idx, s_idx] = np.where(hit, badness, np.nan).reshape(-1)
    out.reference[PEER_Z, k_idx, s_idx] = median
