"""Making Data Count XmR ("plot the dots") charts for many series at once.

Arrays in, frozen result out; drawing lives elsewhere. :func:`spc_batch` takes any number of
series (a 2-D array of series x time padded with NaN, or one flat array with series lengths),
computes centre lines, process limits, the four special-cause rules, point types, variation
and assurance icons for all of them in a handful of numpy passes, and returns an
:class:`SpcBatch`. :func:`specialmeasures.stats.spc_tidy.spc` is the tidy entry point (facet
keys, dates, values) built on it.

By default the results are those of NHSRplotthedots 0.2.2 (nhs-r-community, commit 050b07d7,
``R/ptd_spc_standard.R`` and ``R/ptd_calculate_point_type.R``). :class:`SpcOptions` offers the
known deviations of the NHS England Making Data Count (MDC) tools: no moving-range screening
(the Excel tool), 6-point shifts and trends, the November 2023 two-sigma rule, and "improvement
wins" when rules disagree. See ``docs/spc.md``.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike, NDArray

from specialmeasures.stats.spc_icons import (
    NO_ASSURANCE,
    assurance_codes,
    direction_sign,
    variation_icon_codes,
)
from specialmeasures.stats.spc_options import (
    LIMIT_MULTIPLIER,
    NEAR_LIMIT_MULTIPLIER,
    SCREENING_MULTIPLIER,
    SHORT_GROUP_THRESHOLD,
    SpcOptions,
    special_cause_labels,
)
from specialmeasures.stats.spc_result import SpcBatch
from specialmeasures.stats.spc_rules import (
    part_of_run,
    part_of_two_in_three,
    shift_markers,
    step_signs,
    trend_direction,
    trend_markers,
    two_in_three,
)

__all__ = [
    "LIMIT_MULTIPLIER",
    "NEAR_LIMIT_MULTIPLIER",
    "SCREENING_MULTIPLIER",
    "SHORT_GROUP_THRESHOLD",
    "SpcBatch",
    "SpcOptions",
    "spc_batch",
    "special_cause_labels",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
Int8Array = NDArray[np.int8]
StrArray = NDArray[np.str_]

#: Points processed per chunk: bounds peak memory (about 60 bytes per point per chunk).
CHUNK_POINTS = 2_000_000

#: Direction of each special-cause code (+1 above/increasing, -1 below/decreasing).
_CODE_SIGN = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)


# -- the kernel ------------------------------------------------------------------------------


def _group_mean(values: FloatArray, valid: BoolArray, first: IntArray) -> FloatArray:
    """Mean of the valid values of each group, refined by a second pass as R's ``mean`` is.

    The refinement matters where the exact mean is a value in the data (a point exactly on the
    centre line has ``relative_to_mean`` 0 and breaks a run).
    """
    count = np.add.reduceat(valid, first, dtype=np.int64)
    lengths = np.diff(np.append(first, values.size))
    x = np.where(valid, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(x, first) / count
        residual = np.where(valid, x - np.repeat(mean, lengths), 0.0)
        mean = mean + np.add.reduceat(residual, first) / count
    mean[count == 0] = np.nan
    return mean


def _limits(
    y: FloatArray, starts: BoolArray, first: IntArray, options: SpcOptions
) -> tuple[FloatArray, FloatArray]:
    """Centre line and mean moving range of each group (NHSRplotthedots ``ptd_spc_standard``)."""
    n = y.size
    lengths = np.diff(np.append(first, n))
    fixed = y
    if options.fix_after_n_points is not None:
        position = np.arange(n) - np.repeat(first, lengths)
        fixed = np.where(position < options.fix_after_n_points, y, np.nan)
    finite = ~np.isnan(fixed)
    mean = _group_mean(fixed, finite, first)
    mr = np.zeros(n)
    mr_valid = np.zeros(n, dtype=bool)
    if n > 1:
        mr[1:] = np.abs(fixed[1:] - fixed[:-1])
        mr_valid[1:] = finite[1:] & finite[:-1] & ~starts[1:]
    amr = _group_mean(mr, mr_valid, first)
    if options.screen_outliers:
        with np.errstate(invalid="ignore"):
            mr_valid &= mr < SCREENING_MULTIPLIER * np.repeat(amr, lengths)
        amr = _group_mean(mr, mr_valid, first)
    return mean, amr


def _codes(
    y: FloatArray,
    starts: BoolArray,
    first: IntArray,
    lines: tuple[FloatArray, ...],
    options: SpcOptions,
) -> dict[str, NDArray[np.generic]]:
    """Per-point tests, rules, special-cause codes and point types for one chunk."""
    lengths = np.diff(np.append(first, y.size))
    mean, lpl, upl, nlpl, nupl = (np.repeat(line, lengths) for line in lines)
    missing = np.isnan(y)
    with np.errstate(invalid="ignore"):
        outside = (y > upl) | (y < lpl)
        beyond_two_sigma = (y < nlpl) | (y > nupl)
        rtm = ((y > mean).view(np.int8) - (y < mean).view(np.int8)).astype(np.int8)
    close = ~outside & beyond_two_sigma
    steps = step_signs(y, starts)
    trend = part_of_run(trend_markers(steps, options.trend_length), options.trend_length)
    two_sigma_points = beyond_two_sigma if options.two_sigma_rule == "mdc2023" else close
    in_two = part_of_two_in_three(two_in_three(two_sigma_points, rtm, starts), two_sigma_points)
    shift_ends = shift_markers(rtm, starts, options.shift_length)
    shift = part_of_run(shift_ends, options.shift_length)

    # Label codes of each rule at each point (see ``special_cause_labels``): the odd code is
    # above / increasing, the even one below / decreasing.
    up = (rtm > 0).view(np.int8)
    increasing = (trend_direction(steps, trend, starts) == 1).view(np.int8)
    code_outside = np.int8(2) - (rtm == 1).view(np.int8)
    code_trend = np.int8(4) - increasing
    code_two = np.int8(6) - up
    code_shift = np.int8(8) - up
    flags = [outside, trend, in_two, shift]
    codes = [code_outside, code_trend, code_two, code_shift]
    code = _first_match(flags, codes)
    d = direction_sign(options.improvement_direction)
    if options.conflict_resolution == "improvement" and d != 0:
        better = [f & (_CODE_SIGN[c] * d > 0) for f, c in zip(flags, codes, strict=True)]
        wins = _first_match(better, codes)
        code = np.where(wins != 0, wins, code)
    if d == 0:
        table = np.array([0, 3, 4, 3, 4, 3, 4, 3, 4], dtype=np.int8)
    else:
        oriented = _CODE_SIGN * d
        table = np.where(oriented > 0, 1, np.where(oriented < 0, 2, 0)).astype(np.int8)
    point_type = table[code]
    return {
        "missing": missing,
        "outside_limits": outside,
        "close_to_limits": close,
        "relative_to_mean": rtm,
        "rule_trend": trend,
        "rule_two_in_three": in_two,
        "rule_shift": shift,
        "special_cause_code": code,
        "point_type_code": point_type,
    }


def _first_match(flags: list[BoolArray], codes: list[Int8Array]) -> Int8Array:
    """``codes[k]`` of the first ``flags[k]`` that is True, else 0 (precedence order)."""
    code = np.zeros(flags[0].shape, dtype=np.int8)
    for flag, value in zip(reversed(flags), reversed(codes), strict=True):
        code = np.where(flag, value, code)
    return code


def _as_flat(
    values: ArrayLike, lengths: ArrayLike | None, rebase: ArrayLike | None
) -> tuple[FloatArray, IntArray, BoolArray | None]:
    """Flatten a 2-D batch (or check a flat one); return values, series offsets, rebase flags."""
    y = np.asarray(values, dtype=np.float64)
    flags = None if rebase is None else np.asarray(rebase, dtype=bool)
    if flags is not None and flags.shape != y.shape:
        raise ValueError(f"rebase must have the shape of values {y.shape} (got {flags.shape})")
    if y.ndim == 2:
        n_series, width = y.shape
        if lengths is None:
            sizes = np.full(n_series, width, dtype=np.intp)
        else:
            sizes = np.asarray(lengths, dtype=np.intp)
            if sizes.shape != (n_series,) or (sizes < 0).any() or (sizes > width).any():
                raise ValueError(
                    f"lengths must give one length in 0..{width} per row of values "
                    f"({n_series} rows)"
                )
        if lengths is None:
            y = y.reshape(-1)
            flags = None if flags is None else flags.reshape(-1)
        else:
            keep = np.arange(width) < sizes[:, None]
            y = y[keep]
            flags = None if flags is None else flags[keep]
    elif y.ndim == 1:
        if lengths is None:
            sizes = np.array([y.size], dtype=np.intp)
        else:
            sizes = np.asarray(lengths, dtype=np.intp)
            if sizes.ndim != 1 or (sizes < 0).any() or int(sizes.sum()) != y.size:
                raise ValueError(
                    f"lengths must be non-negative and sum to the number of values ({y.size})"
                )
    else:
        raise ValueError(f"values must be a 1-D or 2-D array (got {y.ndim} dimensions)")
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.intp)
    return y, offsets, flags


def spc_batch(
    values: ArrayLike,
    *,
    lengths: ArrayLike | None = None,
    rebase: ArrayLike | None = None,
    targets: ArrayLike | float | None = None,
    options: SpcOptions | None = None,
) -> SpcBatch:
    """XmR charts of many series at once, as NHSRplotthedots ``ptd_spc()`` computes them.

    Parameters
    ----------
    values : array_like
        Either 2-D (series x time, each series left-aligned; points past ``lengths`` are
        ignored) or 1-D holding all series back to back (then ``lengths`` gives their sizes;
        without it the array is one series). Points must be in date order; NaN = missing
        (excluded from the mean and moving ranges, never flagged).
    lengths : array_like of int, optional
        Number of points of each series.
    rebase : array_like of bool, optional
        Same shape as ``values``; True where a point starts a new rebase group (the reference's
        ``rebase`` column: the rebase date is the first point of the new group).
    targets : float or array_like, optional
        Target per series (NaN = none) or one target for all. When targets are given, a series
        whose target or limits are missing gets assurance "inconsistent", as in the reference.
    options : SpcOptions, optional
        Defaults reproduce NHSRplotthedots 0.2.2.

    Returns
    -------
    SpcBatch
        Frozen; per-point arrays flat in series order, per-group and per-series arrays.

    References
    ----------
    NHS England (2019) *Making Data Count: Getting Started*; Provost LP, Murray SK (2011) *The
    Health Care Data Guide*; NHSRplotthedots 0.2.2 ``R/ptd_spc_standard.R``,
    ``R/ptd_calculate_point_type.R`` (nhs-r-community, commit 050b07d7).

    Examples
    --------
    >>> y = np.array([[1.0, 2, 1, 2, 1, 2, 1, 2, 10], [5, 5, 6, 5, 6, 5, 6, 5, 6]])
    >>> batch = spc_batch(y)
    >>> batch.group_mean.round(3).tolist()
    [2.444, 5.444]
    >>> batch.special_cause_type[8], batch.variation_icon[0]
    (np.str_('Above UCL'), np.str_('improvement_high'))
    """
    opts = options if options is not None else SpcOptions()
    y, series_offsets, flags = _as_flat(values, lengths, rebase)
    n = y.size
    n_series = series_offsets.size - 1
    series_starts = np.zeros(n, dtype=bool)
    series_starts[series_offsets[:-1][np.diff(series_offsets) > 0]] = True
    starts = series_starts | (flags if flags is not None else False)
    first = np.flatnonzero(starts).astype(np.intp)
    group_offsets = np.append(first, n).astype(np.intp)
    point_series = np.repeat(np.arange(n_series), np.diff(series_offsets))
    group_series = point_series[first] if n else np.zeros(0, dtype=np.intp)
    group_rebase: IntArray
    if flags is not None:
        # rebase_group = cumsum(rebase) within the series (so a flag on a series' first point
        # gives group 1, as in the reference).
        running = np.cumsum(flags)
        before = np.concatenate(([0], running))[series_offsets[:-1]]
        group_rebase = (running[first] - before[group_series]).astype(np.intp)
    else:
        group_rebase = np.zeros(first.size, dtype=np.intp)

    n_groups = first.size
    out_mean = np.full(n_groups, np.nan)
    out_amr = np.full(n_groups, np.nan)
    per_point: dict[str, NDArray[np.generic]] = {}
    # Chunks of whole groups bound the temporaries; a loop over chunks, never over series.
    bounds = [0]
    if n_groups:
        cut = np.searchsorted(first, np.arange(CHUNK_POINTS, n, CHUNK_POINTS))
        bounds = sorted({0, *cut.tolist(), n_groups})
    for lo_g, hi_g in itertools.pairwise(bounds):
        lo, hi = int(group_offsets[lo_g]), int(group_offsets[hi_g])
        y_c = y[lo:hi]
        starts_c = starts[lo:hi]
        first_c = first[lo_g:hi_g] - lo
        mean_c, amr_c = _limits(y_c, starts_c, first_c, opts)
        out_mean[lo_g:hi_g] = mean_c
        out_amr[lo_g:hi_g] = amr_c
        lines = _lines(mean_c, amr_c)
        chunk = _codes(y_c, starts_c, first_c, lines, opts)
        for key, arr in chunk.items():
            if key not in per_point:
                per_point[key] = np.empty(n, dtype=arr.dtype)
            per_point[key][lo:hi] = arr
    if not per_point:
        per_point = _codes(y, starts, first, _lines(out_mean, out_amr), opts)
    lpl, upl, nlpl, nupl = _lines(out_mean, out_amr)[1:]

    group_n = np.diff(group_offsets)
    group_missing = np.add.reduceat(np.isnan(y), first, dtype=np.intp) if n else group_n * 0

    # Per series: the latest point gives the variation icon, the latest group the assurance.
    nonempty = np.diff(series_offsets) > 0
    point_type = np.asarray(per_point["point_type_code"], dtype=np.int8)
    last_type = np.zeros(n_series, dtype=np.int8)
    last_type[nonempty] = point_type[series_offsets[1:][nonempty] - 1]
    variation = variation_icon_codes(last_type, opts.improvement_direction)
    has_target = targets is not None
    target = np.broadcast_to(
        np.asarray(np.nan if targets is None else targets, dtype=np.float64), (n_series,)
    ).copy()
    if has_target:
        last_group = np.full(n_series, -1, dtype=np.intp)
        last_group[group_series] = np.arange(n_groups)
        lg = last_group[nonempty]
        assurance = np.full(n_series, NO_ASSURANCE, dtype=np.int8)
        assurance[nonempty] = assurance_codes(
            target[nonempty], lpl[lg], upl[lg], opts.improvement_direction
        )
    else:
        assurance = np.full(n_series, NO_ASSURANCE, dtype=np.int8)

    return SpcBatch(
        options=opts,
        values=y,
        series_offsets=series_offsets,
        group_offsets=group_offsets,
        group_series=group_series.astype(np.intp),
        group_rebase=group_rebase,
        group_mean=out_mean,
        group_amr=out_amr,
        group_lpl=lpl,
        group_upl=upl,
        group_nlpl=nlpl,
        group_nupl=nupl,
        group_n=group_n.astype(np.intp),
        group_missing=np.asarray(group_missing, dtype=np.intp),
        missing=np.asarray(per_point["missing"], dtype=bool),
        outside_limits=np.asarray(per_point["outside_limits"], dtype=bool),
        close_to_limits=np.asarray(per_point["close_to_limits"], dtype=bool),
        relative_to_mean=np.asarray(per_point["relative_to_mean"], dtype=np.int8),
        rule_trend=np.asarray(per_point["rule_trend"], dtype=bool),
        rule_two_in_three=np.asarray(per_point["rule_two_in_three"], dtype=bool),
        rule_shift=np.asarray(per_point["rule_shift"], dtype=bool),
        special_cause_code=np.asarray(per_point["special_cause_code"], dtype=np.int8),
        point_type_code=point_type,
        series_target=target,
        series_variation_code=variation,
        series_assurance_code=assurance,
        has_target=has_target,
    )


def _lines(
    mean: FloatArray, amr: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Centre line, process limits and near-limit lines, in the reference's arithmetic."""
    return (
        mean,
        mean - LIMIT_MULTIPLIER * amr,
        mean + LIMIT_MULTIPLIER * amr,
        mean - NEAR_LIMIT_MULTIPLIER * amr,
        mean + NEAR_LIMIT_MULTIPLIER * amr,
    )
