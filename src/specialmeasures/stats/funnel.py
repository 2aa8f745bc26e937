"""Funnel plots with overdispersion for ratios, proportions and ratios of counts.

Arrays in, frozen result out; drawing lives elsewhere. One call computes any number of funnels
(one per indicator, say): units carry an integer funnel code and every per-funnel statistic
(target, φ, τ², trimming quantiles) is computed for all funnels at once.

The method is Spiegelhalter's (2005) as implemented by FunnelPlotR 0.6.0 (nhs-r-community,
commit 9020d497), with two deliberate differences that ``reference_compatible=True`` undoes:

* SR + CQC adjusted limits are squared back from the square-root scale to the ratio scale
  (FunnelPlotR issue #33 leaves them on the square-root scale, about half as wide);
* a unit with zero observed events gets an SR-SHMI z-score from a continuity-corrected count
  (``zero_correction``, default 0.5) instead of ``log(0) = -inf`` (FunnelPlotR issue #17).

A third, cosmetic one: φ and τ² are always reported (the reference reports 0 for both when the
adjusted limits are not drawn), and the adjusted limits always use the estimated τ².
See ``docs/funnel.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _sps  # type: ignore[import-untyped]  # no stubs installed

from specialmeasures.stats._ragged import (
    group_count,
    group_quantile7,
    group_rank_average,
    group_sum,
)
from specialmeasures.stats.rounding import r_round

__all__ = [
    "DATA_TYPES",
    "SR_METHODS",
    "FunnelLookup",
    "FunnelOptions",
    "FunnelResult",
    "aggregate_groups",
    "compute_funnel",
    "funnel_lookup",
    "outlier_flags",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

DataType = Literal["SR", "PR", "RC"]
SRMethod = Literal["SHMI", "CQC"]
DATA_TYPES: tuple[str, ...] = ("SR", "PR", "RC")
SR_METHODS: tuple[str, ...] = ("SHMI", "CQC")

#: Two-sided normal quantiles for the 95 % and 99.8 % limits as FunnelPlotR hard-codes them
#: (R/calculate_limits.R): qnorm(0.975) and qnorm(0.999) rounded to 6 dp. Any other level uses
#: the exact quantile.
Z_95 = 1.959964
Z_998 = 3.090232
#: Tail probabilities for the exact Poisson (chi-square) limits of the unadjusted SR funnel
#: (Spiegelhalter 2005, Stat Med 24:1185, appendix A.1.1).
_REFERENCE_LEVELS: dict[float, tuple[float, float]] = {0.95: (Z_95, 0.025), 0.998: (Z_998, 0.001)}
#: Continuity correction of the ratio-of-counts transform log((O + 0.5)/(E + 0.5))
#: (FunnelPlotR R/od_adjustment.R; Spiegelhalter 2005 Table I).
RC_CONTINUITY = 0.5
#: SHMI rounds the summed expected deaths to 2 dp before anything else (NHS Digital SHMI spec).
SHMI_ROUNDING_DIGITS = 2
#: Plot lookup sequence: 1,000 denominators from 1.1 (SR) or 3 (PR, RC) to ceiling(max E)
#: (FunnelPlotR R/build_limits_lookup.R). The PR monotonicity fix-up depends on it.
LOOKUP_POINTS = 1000
LOOKUP_START_SR = 1.1
LOOKUP_START_OTHER = 3.0


@dataclass(frozen=True)
class FunnelOptions:
    """Validated options of :func:`compute_funnel`.

    Parameters
    ----------
    data_type : {"SR", "PR", "RC"}
        Indirectly standardised ratio O/E, proportion O/n, or ratio of counts O/E.
    sr_method : {"SHMI", "CQC"}
        SR only: log transform with truncation (SHMI) or square-root transform with
        Winsorisation (CQC).
    trim_by : float
        Fraction truncated / Winsorised in each tail before estimating φ (0 <= trim_by < 0.5).
    levels : tuple of float
        Two-sided coverage of the limits to compute, e.g. ``(0.95, 0.998)``.
    outlier_level : float
        Which of ``levels`` defines the outlier flag (FunnelPlotR ``limit = 99`` is 0.998).
    draw_adjusted, draw_unadjusted : bool
        FunnelPlotR's switches: flags use the overdispersion-adjusted limits when
        ``draw_adjusted`` (falling back to unadjusted ones when φ <= 1 and ``draw_unadjusted``
        is false), the unadjusted ones when only ``draw_unadjusted``; no flags when neither.
    multiplier : float
        Scale of ratios and limits (e.g. 100).
    shmi_rounding : bool
        SR + SHMI: round the summed denominators to 2 dp.
    reference_compatible : bool
        Reproduce FunnelPlotR 0.6.0 exactly, including its CQC and zero-count behaviour.
    zero_correction : float
        SR + SHMI, not reference-compatible: count used in the z-score of a unit with O = 0.
    """

    data_type: DataType = "SR"
    sr_method: SRMethod = "SHMI"
    trim_by: float = 0.1
    levels: tuple[float, ...] = (0.95, 0.998)
    outlier_level: float = 0.998
    draw_adjusted: bool = True
    draw_unadjusted: bool = False
    multiplier: float = 1.0
    shmi_rounding: bool = True
    reference_compatible: bool = False
    zero_correction: float = 0.5

    def __post_init__(self) -> None:
        if self.data_type not in DATA_TYPES:
            raise ValueError(f"data_type must be one of {DATA_TYPES} (got {self.data_type!r})")
        if self.sr_method not in SR_METHODS:
            raise ValueError(f"sr_method must be one of {SR_METHODS} (got {self.sr_method!r})")
        if not (isinstance(self.trim_by, int | float) and 0 <= self.trim_by < 0.5):
            raise ValueError(f"trim_by must be a number in [0, 0.5) (got {self.trim_by!r})")
        levels = tuple(self.levels)
        if not levels or not all(isinstance(x, int | float) and 0 < x < 1 for x in levels):
            raise ValueError(f"levels must be coverages strictly between 0 and 1 (got {levels!r})")
        object.__setattr__(self, "levels", tuple(float(x) for x in levels))
        if self.outlier_level not in self.levels:
            raise ValueError(
                f"outlier_level must be one of levels {self.levels} (got {self.outlier_level!r})"
            )
        if not (isinstance(self.multiplier, int | float) and math.isfinite(self.multiplier)):
            raise ValueError(f"multiplier must be a finite number (got {self.multiplier!r})")
        if self.multiplier <= 0:
            raise ValueError(f"multiplier must be positive (got {self.multiplier!r})")
        if not (isinstance(self.zero_correction, int | float) and self.zero_correction > 0):
            raise ValueError(f"zero_correction must be positive (got {self.zero_correction!r})")
        for name in ("draw_adjusted", "draw_unadjusted", "shmi_rounding", "reference_compatible"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False (got {getattr(self, name)!r})")

    @property
    def back_transform_cqc(self) -> bool:
        """Whether SR + CQC limits are squared back to the ratio scale."""
        return not self.reference_compatible


@dataclass(frozen=True)
class FunnelResult:
    """Per-unit and per-funnel output of :func:`compute_funnel`.

    Limit arrays have shape ``(len(levels), n_units)``; row ``i`` is ``levels[i]``. Per-funnel
    arrays are indexed by funnel code.
    """

    options: FunnelOptions
    funnel: IntArray
    numerator: FloatArray
    denominator: FloatArray  #: after SHMI rounding where it applies
    ratio: FloatArray  #: numerator / unrounded denominator
    y: FloatArray  #: transformed indicator
    s: FloatArray  #: standard error of ``y`` used for the z-score
    z: FloatArray  #: unadjusted z-score
    z_trimmed: FloatArray  #: Winsorised z-score, or NaN where truncated (SHMI)
    trimmed: BoolArray
    lower: FloatArray
    upper: FloatArray
    od_lower: FloatArray
    od_upper: FloatArray
    outlier: BoolArray
    target: FloatArray
    target_transformed: FloatArray
    phi: FloatArray
    tau2: FloatArray
    n_used: IntArray
    adjusted_effective: BoolArray
    unadjusted_effective: BoolArray
    levels: tuple[float, ...] = field(default=())

    def limits(self, level: float, *, adjusted: bool) -> tuple[FloatArray, FloatArray]:
        """Lower and upper limits at ``level`` (adjusted or unadjusted) for every unit."""
        i = _level_index(self.levels, level)
        if adjusted:
            return self.od_lower[i], self.od_upper[i]
        return self.lower[i], self.upper[i]


@dataclass(frozen=True)
class FunnelLookup:
    """Limits along a sequence of denominators (the funnel lines of a plot)."""

    denominator: FloatArray
    lower: FloatArray
    upper: FloatArray
    od_lower: FloatArray
    od_upper: FloatArray
    levels: tuple[float, ...]


def _level_index(levels: tuple[float, ...], level: float) -> int:
    try:
        return levels.index(level)
    except ValueError:
        raise ValueError(f"level must be one of {levels} (got {level!r})") from None


def _z_and_tail(level: float) -> tuple[float, float]:
    if level in _REFERENCE_LEVELS:
        return _REFERENCE_LEVELS[level]
    tail = (1.0 - level) / 2.0
    return float(_sps.norm.isf(tail)), tail


def aggregate_groups(
    numerator: ArrayLike, denominator: ArrayLike, group: ArrayLike
) -> tuple[NDArray[np.generic], FloatArray, FloatArray]:
    """Sum numerators and denominators by group (groups returned sorted).

    Parameters
    ----------
    numerator, denominator : array_like
        Record-level values.
    group : array_like
        Group label of each record.

    Returns
    -------
    labels, numerator, denominator
        Sorted unique labels and the sums per label.

    References
    ----------
    FunnelPlotR 0.6.0 ``aggregate_func()``.

    Examples
    --------
    >>> labels, o, e = aggregate_groups([100, 150, 89], [102, 135, 95], ["a", "a", "b"])
    >>> labels.tolist(), o.tolist(), e.tolist()
    (['a', 'b'], [250.0, 89.0], [237.0, 95.0])
    """
    labels, codes = np.unique(np.asarray(group), return_inverse=True)
    n = labels.size
    o = group_sum(np.asarray(numerator, dtype=np.float64), codes, n)
    e = group_sum(np.asarray(denominator, dtype=np.float64), codes, n)
    return labels, o, e


def _validate_units(o: FloatArray, e: FloatArray, data_type: str) -> None:
    if o.shape != e.shape or o.ndim != 1:
        raise ValueError("numerator and denominator must be 1-d arrays of the same length")
    if not (np.all(np.isfinite(o)) and np.all(np.isfinite(e))):
        raise ValueError("numerator and denominator must be finite numbers")
    if np.any(o < 0):
        raise ValueError("numerator must be non-negative")
    if np.any(e <= 0):
        raise ValueError("denominator must be positive")
    if data_type == "PR" and np.any(o > e):
        raise ValueError("numerator must not exceed denominator for proportions (PR)")


def _transform(
    o: FloatArray, e: FloatArray, codes: IntArray, n_funnels: int, options: FunnelOptions
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return (target per funnel, target_transformed per funnel, y, s, z)."""
    kind = options.data_type
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "SR":
            target = np.ones(n_funnels)
            if options.sr_method == "SHMI":
                tt = np.zeros(n_funnels)
                o_z = o
                if not options.reference_compatible:
                    o_z = np.where(o == 0, options.zero_correction, o)
                y = np.log(o_z / e)
                s = 1.0 / np.sqrt(e)
                z = np.sqrt(e) * y
                return target, tt, y, s, z
            tt = np.ones(n_funnels)
            y = np.sqrt(o / e)
            s = 1.0 / (2.0 * np.sqrt(e))
        else:
            target = group_sum(o, codes, n_funnels) / group_sum(e, codes, n_funnels)
            if kind == "RC" and np.any(target <= 0):
                raise ValueError("RC funnel needs at least one event (sum of numerator is 0)")
            if kind == "PR":
                tt = np.arcsin(np.sqrt(target))
                y = np.arcsin(np.sqrt(o / e))
                s = 1.0 / (2.0 * np.sqrt(e))
            else:
                tt = np.log(target)
                y = np.log((o + RC_CONTINUITY) / (e + RC_CONTINUITY))
                s = np.sqrt(o / (o + RC_CONTINUITY) ** 2 + e / (e + RC_CONTINUITY) ** 2)
        z = (y - tt[codes]) / s
    return target, tt, y, s, z


def _trim(
    z: FloatArray, codes: IntArray, n_funnels: int, options: FunnelOptions
) -> tuple[FloatArray, BoolArray]:
    """Truncate (SHMI) or Winsorise (otherwise) z-scores within each funnel."""
    if options.data_type == "SR" and options.sr_method == "SHMI":
        # NHS Digital SHMI: split the ranked z-scores into k = 1/trim_by bands and drop the
        # outermost band at each end.
        k = 1.0 / options.trim_by if options.trim_by > 0 else math.inf
        rank = group_rank_average(z, codes)
        size = np.bincount(codes, minlength=n_funnels)[codes]
        with np.errstate(invalid="ignore"):
            band = np.floor(rank * k / (size + 1))
        truncated = (
            ~((band > 0) & (band < k - 1))
            if options.trim_by > 0
            else np.zeros_like(rank, dtype=bool)
        )
        return np.where(truncated, np.nan, z), truncated
    lo = group_quantile7(z, codes, n_funnels, options.trim_by)[codes]
    hi = group_quantile7(z, codes, n_funnels, 1.0 - options.trim_by)[codes]
    winsorised = ~((z > lo) & (z < hi))
    return np.where(z < lo, lo, np.where(z > hi, hi, z)), winsorised


def _dispersion(
    z_used: FloatArray, s: FloatArray, codes: IntArray, n_funnels: int
) -> tuple[FloatArray, FloatArray, IntArray]:
    """φ = Σz²/n and the DerSimonian-Laird τ² per funnel (Spiegelhalter 2005, QSHC 14:347)."""
    used = ~np.isnan(z_used)
    n = group_count(used, codes, n_funnels)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        phi = group_sum(np.where(used, z_used, 0.0) ** 2, codes, n_funnels) / n
        w = np.where(used, 1.0 / s**2, 0.0)
        sw = group_sum(w, codes, n_funnels)
        sw2 = group_sum(w**2, codes, n_funnels)
        tau2 = np.maximum(0.0, (n * phi - (n - 1)) / (sw - sw2 / sw))
    tau2 = np.where((n == 0) | ~(n * phi >= n - 1), 0.0, tau2)
    return phi, tau2, n


def _limits_at(
    x: FloatArray,
    target: FloatArray,
    tau2: FloatArray,
    level: float,
    *,
    adjusted: bool,
    options: FunnelOptions,
) -> tuple[FloatArray, FloatArray]:
    """Limits at denominators ``x`` (before the PR monotonicity fix-up), times multiplier."""
    zq, tail = _z_and_tail(level)
    m = options.multiplier
    kind = options.data_type
    if kind == "SR" and not adjusted:
        # Exact Poisson limits in the chi-square form (Spiegelhalter 2005, appendix A.1.1).
        lower = m * target * _sps.chi2.ppf(tail, 2 * x) / 2 / x
        upper = m * target * _sps.chi2.isf(tail, 2 * (x + 1)) / 2 / x
        return lower, upper
    t2 = tau2 if adjusted else np.zeros_like(tau2)
    if kind == "SR" and options.sr_method == "SHMI":
        half = zq * np.sqrt(1.0 / x + t2)
        return m * np.exp(-half), m * np.exp(half)
    half = zq * np.sqrt(1.0 / (4.0 * x) + t2)
    if kind == "SR":
        lo, hi = 1.0 - half, 1.0 + half
        if options.back_transform_cqc:
            return m * np.maximum(lo, 0.0) ** 2, m * hi**2
        return m * lo, m * hi
    if kind == "RC":
        return m * np.exp(np.log(target) - half), m * np.exp(np.log(target) + half)
    centre = np.arcsin(np.sqrt(target))
    lower = m * np.sin(centre - half) ** 2
    upper = m * np.sin(centre + half) ** 2
    return np.maximum(lower, 0.0), np.minimum(upper, m)


def _pr_fixup(
    lower: FloatArray,
    upper: FloatArray,
    lower_next: FloatArray,
    upper_next: FloatArray,
    has_next: BoolArray,
    multiplier: float,
) -> tuple[FloatArray, FloatArray]:
    """Arcsine limits are not monotone at small n: a lower limit above the next one along the
    lookup sequence becomes 0, an upper limit below the next one becomes 1 (times multiplier)."""
    lower = np.where(has_next & (lower > lower_next), 0.0, lower)
    upper = np.where(has_next & (upper < upper_next), multiplier, upper)
    return lower, upper


def _lookup_start(options: FunnelOptions) -> float:
    return LOOKUP_START_SR if options.data_type == "SR" else LOOKUP_START_OTHER


def _next_on_lookup(
    e: FloatArray, codes: IntArray, n_funnels: int, options: FunnelOptions
) -> FloatArray:
    """For each unit, the next larger value of its funnel's lookup sequence (NaN if none).

    The sequence is FunnelPlotR's: 1,000 points from the start to ceiling(max E) joined with the
    funnel's own denominators, sorted and deduplicated. All funnels are handled in one sort.
    """
    max_e = np.full(n_funnels, -np.inf)
    np.maximum.at(max_e, codes, e)
    max_x = np.ceil(max_e)
    start = _lookup_start(options)
    step = (max_x - start) / (LOOKUP_POINTS - 1)
    grid = start + np.arange(LOOKUP_POINTS)[None, :] * step[:, None]
    grid[:, -1] = max_x
    values = np.concatenate((grid.ravel(), e))
    owner = np.concatenate((np.repeat(np.arange(n_funnels), LOOKUP_POINTS), codes))
    order = np.lexsort((values, owner))
    v, c = values[order], owner[order]
    new_run = np.ones(v.size, dtype=bool)
    new_run[1:] = (v[1:] != v[:-1]) | (c[1:] != c[:-1])
    run_id = np.cumsum(new_run) - 1
    run_value, run_owner = v[new_run], c[new_run]
    run_next = np.full(run_value.size, np.nan)
    same = run_owner[1:] == run_owner[:-1]
    run_next[:-1] = np.where(same, run_value[1:], np.nan)
    position = np.empty(v.size, dtype=np.intp)
    position[order] = np.arange(v.size)
    result: FloatArray = run_next[run_id[position[grid.size :]]]
    return result


def outlier_flags(
    ratio: ArrayLike, lower: ArrayLike, upper: ArrayLike, *, multiplier: float = 1.0
) -> BoolArray:
    """Whether ``ratio * multiplier`` lies outside ``[lower, upper]`` (bounds count as inside).

    Parameters
    ----------
    ratio : array_like
        Unscaled ratios O/E or proportions.
    lower, upper : array_like
        Limits, already on the multiplied scale.
    multiplier : float
        Scale applied to ``ratio`` only.

    Returns
    -------
    numpy.ndarray of bool

    References
    ----------
    FunnelPlotR 0.6.0 ``outliers_func()``.

    Examples
    --------
    >>> outlier_flags([0.9, 1.0, 1.2], 0.9, 1.1).tolist()
    [False, False, True]
    """
    scaled = np.asarray(ratio, dtype=np.float64) * multiplier
    inside = (scaled >= np.asarray(lower)) & (scaled <= np.asarray(upper))
    return np.asarray(~inside, dtype=np.bool_)


def compute_funnel(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    funnel: ArrayLike | None = None,
    options: FunnelOptions | None = None,
) -> FunnelResult:
    """Funnel-plot statistics for one or many funnels of aggregated units.

    Parameters
    ----------
    numerator : array_like
        Observed count O per unit (already summed by unit, see :func:`aggregate_groups`).
    denominator : array_like
        Expected count E (SR), number of cases n (PR) or comparison count (RC) per unit.
    funnel : array_like of int, optional
        Funnel code ``0..F-1`` of each unit; all units form one funnel when omitted.
    options : FunnelOptions, optional
        Method options; defaults to SR, SHMI, 10 % trimming, adjusted 99.8 % flags.

    Returns
    -------
    FunnelResult
        z-scores, trimming, φ, τ², unadjusted and adjusted limits at each unit's denominator,
        outlier flags.

    References
    ----------
    Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance. *Stat Med*
    24:1185-1202. Spiegelhalter DJ (2005) Handling over-dispersion of performance indicators.
    *Qual Saf Health Care* 14:347-351. NHS Digital, SHMI methodology. FunnelPlotR 0.6.0
    (nhs-r-community/FunnelPlotR).

    Examples
    --------
    >>> r = compute_funnel([100, 150, 180, 80, 120, 225], [108, 112, 165, 95, 100, 220])
    >>> round(float(r.phi[0]), 6), round(float(r.tau2[0]), 6)
    (2.948033, 0.019478)
    >>> r.outlier.tolist()
    [False, False, False, False, False, False]
    """
    opts = options if options is not None else FunnelOptions()
    o = np.asarray(numerator, dtype=np.float64).ravel()
    e_raw = np.asarray(denominator, dtype=np.float64).ravel()
    _validate_units(o, e_raw, opts.data_type)
    if funnel is None:
        codes = np.zeros(o.size, dtype=np.intp)
    else:
        codes = np.asarray(funnel).astype(np.intp).ravel()
        if codes.shape != o.shape or (codes.size and codes.min() < 0):
            raise ValueError("funnel must hold one non-negative integer code per unit")
    n_funnels = int(codes.max()) + 1 if codes.size else 0
    ratio = o / e_raw
    e = e_raw
    if opts.data_type == "SR" and opts.sr_method == "SHMI" and opts.shmi_rounding:
        e = r_round(e_raw, SHMI_ROUNDING_DIGITS)
        if np.any(e <= 0):
            raise ValueError("denominator rounds to 0 at 2 dp (SHMI rounding)")

    target, tt, y, s, z = _transform(o, e, codes, n_funnels, opts)
    z_trimmed, trimmed = _trim(z, codes, n_funnels, opts)
    phi, tau2, n_used = _dispersion(z_trimmed, s, codes, n_funnels)
    if opts.reference_compatible and not opts.draw_adjusted:
        phi = np.zeros(n_funnels)
        tau2 = np.zeros(n_funnels)

    fallback = opts.draw_adjusted and not opts.draw_unadjusted
    no_overdispersion = phi <= 1 if fallback else np.zeros(n_funnels, dtype=bool)
    adjusted_eff = np.full(n_funnels, opts.draw_adjusted) & ~no_overdispersion
    unadjusted_eff = np.full(n_funnels, opts.draw_unadjusted) | no_overdispersion

    levels = opts.levels
    shape = (len(levels), o.size)
    lower, upper = np.empty(shape), np.empty(shape)
    od_lower, od_upper = np.empty(shape), np.empty(shape)
    t_u, tau_u = target[codes], tau2[codes]
    if opts.data_type == "PR":
        nxt = _next_on_lookup(e, codes, n_funnels, opts)
        has_next = ~np.isnan(nxt)
        nxt_x = np.where(has_next, nxt, e)
    for i, level in enumerate(levels):
        for adjusted, lo_out, hi_out in ((False, lower, upper), (True, od_lower, od_upper)):
            lo, hi = _limits_at(e, t_u, tau_u, level, adjusted=adjusted, options=opts)
            if opts.data_type == "PR":
                lo_n, hi_n = _limits_at(nxt_x, t_u, tau_u, level, adjusted=adjusted, options=opts)
                lo, hi = _pr_fixup(lo, hi, lo_n, hi_n, has_next, opts.multiplier)
            lo_out[i], hi_out[i] = lo, hi

    k = _level_index(levels, opts.outlier_level)
    use_adj = adjusted_eff[codes]
    lcl = np.where(use_adj, od_lower[k], lower[k])
    ucl = np.where(use_adj, od_upper[k], upper[k])
    flagged = adjusted_eff | unadjusted_eff
    outlier = flagged[codes] & outlier_flags(ratio, lcl, ucl, multiplier=opts.multiplier)

    return FunnelResult(
        options=opts,
        funnel=codes,
        numerator=o,
        denominator=e,
        ratio=ratio,
        y=y,
        s=s,
        z=z,
        z_trimmed=z_trimmed,
        trimmed=trimmed,
        lower=lower,
        upper=upper,
        od_lower=od_lower,
        od_upper=od_upper,
        outlier=outlier,
        target=target,
        target_transformed=tt,
        phi=phi,
        tau2=tau2,
        n_used=n_used,
        adjusted_effective=adjusted_eff,
        unadjusted_effective=unadjusted_eff,
        levels=levels,
    )


def funnel_lookup(
    max_x: float,
    *,
    tau2: float,
    target: float,
    options: FunnelOptions | None = None,
    denominators: ArrayLike | None = None,
    grid: bool = True,
) -> FunnelLookup:
    """Funnel lines along FunnelPlotR's plotting sequence of denominators.

    Parameters
    ----------
    max_x : float
        Largest denominator (the sequence ends at this value).
    tau2 : float
        Between-unit variance for the adjusted limits.
    target : float
        Centre line (1 for SR).
    options : FunnelOptions, optional
        Data type, SR method, levels and multiplier.
    denominators : array_like, optional
        Extra denominators merged into the sequence (a funnel's own units).
    grid : bool
        When false, the sequence is only ``denominators`` (sorted, deduplicated).

    Returns
    -------
    FunnelLookup
        Sorted denominators and the unadjusted and adjusted limits at each.

    References
    ----------
    FunnelPlotR 0.6.0 ``build_limits_lookup()`` and ``calculate_limits()``.

    Examples
    --------
    >>> lk = funnel_lookup(250, tau2=0.0, target=1.0)
    >>> lk.denominator.size, round(float(lk.lower[1, -1]), 6)
    (1000, 0.815894)
    """
    opts = options if options is not None else FunnelOptions()
    x = np.linspace(_lookup_start(opts), float(max_x), LOOKUP_POINTS)
    x[-1] = float(max_x)
    if not grid:
        if denominators is None:
            raise ValueError("denominators are required when grid is False")
        x = np.empty(0)
    if denominators is not None:
        x = np.unique(np.concatenate((x, np.asarray(denominators, dtype=np.float64).ravel())))
    shape = (len(opts.levels), x.size)
    out = {key: np.empty(shape) for key in ("lower", "upper", "od_lower", "od_upper")}
    t = np.full(x.size, float(target))
    tau = np.full(x.size, float(tau2))
    has_next = np.arange(x.size) < x.size - 1
    for i, level in enumerate(opts.levels):
        for adjusted, prefix in ((False, ""), (True, "od_")):
            lo, hi = _limits_at(x, t, tau, level, adjusted=adjusted, options=opts)
            if opts.data_type == "PR":
                lo_n, hi_n = np.append(lo[1:], lo[-1]), np.append(hi[1:], hi[-1])
                lo, hi = _pr_fixup(lo, hi, lo_n, hi_n, has_next, opts.multiplier)
            out[prefix + "lower"][i], out[prefix + "upper"][i] = lo, hi
    return FunnelLookup(denominator=x, levels=opts.levels, **out)
