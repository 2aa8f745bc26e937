"""Matched difference-in-differences: each entering trust against comparators with the same
pre-entry trajectory of the indicator and of a composite of the other indicators, with a
regression bias correction.

A trust enters SMQ *because* its quality fell, so its own months before the dip and the average
never-treated trust are both poor counterfactuals (an Ashenfelter dip). This design conditions on
what an analyst can see before entry:

1. For each treated trust ``i`` (first entry in month ``g``) the **comparator pool** is every trust
   untreated from ``g + lo`` to ``g + hi`` (never-treated, or entering after ``g + hi``): the same
   calendar months, so calendar shocks cancel (a stacked design with one cohort per trust).
2. **Features**, for treated and pool alike, from months before ``g`` only: the trust's
   *baseline* (mean over the ``baseline_months`` before the window) and its pre-entry
   *trajectory*, the means of 3-month blocks over ``lo..-1`` minus the baseline, of the
   indicator and (when the panel carries it) of the composite quality score of the other
   monthly indicators (``evaluation.composite``), a steadier measure of quality than one noisy
   indicator. The trajectory catches the dip, the baseline a trust's usual level.
3. The ``neighbours`` pool trusts nearest in standardised Euclidean distance (each feature
   divided by its standard deviation in that trust's pool) are its comparators (with
   replacement across treated trusts).
4. **Bias correction** (``bias_correction``): each comparator's change is moved by the pool's
   regression of changes on the features times its feature gap to the treated trust.
5. Each trust's change from its **reference**, the mean of months -3..-1, is compared with the
   mean (corrected) change of its comparators, month by month (``k`` in ``lo..hi``); the
   event-study estimate is the mean over treated trusts, the average effect the mean over
   months 0..hi. Months before entry and the pre-trend test use the raw matched differences
   (the correction fits the features there almost exactly): they check the matching's balance.

**Standard errors** are cluster-robust by trust: the estimate is a sum of per-trust
contributions (a treated trust's own change; a comparator's change, weighted by how many treated
trusts it serves), and their outer products give the covariance of all months at once, so the
average effect and the pre-trend test use the same matrix. The matching itself is treated as
fixed (Abadie and Imbens 2006 show this is slightly conservative-to-liberal depending on reuse);
the validation on the synthetic country measures the net result.

References: Ashenfelter O. Estimating the effect of training programs on earnings. Rev Econ Stat
1978;60:47-57; Heckman JJ, Ichimura H, Todd P. Matching as an econometric evaluation estimator.
Rev Econ Stud 1997;64:605-54; Abadie A, Imbens GW. Large sample properties of matching
estimators for average treatment effects. Econometrica 2006;74:235-67; Abadie A, Imbens GW.
Bias-corrected matching estimators for average treatment effects. J Bus Econ Stat 2011;29:1-11;
Daw JR, Hatfield LA. Matching and regression to the mean in difference-in-differences analysis.
Health Serv Res 2018;53:4138-56; Cengiz D et al. The effect of minimum wages on low-wage jobs
(stacked DiD). QJE 2019;134:1405-54.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from specialmeasures.domain import InputError
from specialmeasures.evaluation.events import event_label
from specialmeasures.evaluation.panel import Panel

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "BLOCK",
    "REFERENCE",
    "MatchOptions",
    "Matches",
    "features",
    "match",
    "matched_event_study",
]

Float = NDArray[np.float64]
#: Months per pre-entry trajectory block (a quarter: monthly noise averages out a little).
BLOCK = 3
#: Months before entry whose mean is each trust's reference level (-3..-1).
REFERENCE = 3


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Options of the matched design, validated once."""

    neighbours: int = 3
    baseline_months: int = 24
    min_baseline: int = 6
    bias_correction: bool = True

    def __post_init__(self) -> None:
        if self.neighbours < 1:
            raise InputError("neighbours: must be at least 1", value=self.neighbours)
        if self.baseline_months < 1:
            raise InputError("baseline_months: must be at least 1", value=self.baseline_months)
        if not 1 <= self.min_baseline <= self.baseline_months:
            raise InputError(
                "min_baseline: must be between 1 and baseline_months", value=self.min_baseline
            )


def features(y: Float, g: int, lo: int, options: MatchOptions) -> Float:
    """Matching features of the rows of ``y`` (trust x month) for an event in month ``g``.

    Returns an array (rows, 1 + blocks): the baseline, then each ``BLOCK``-month mean of months
    ``g + lo .. g - 1`` minus the baseline. A row lacking data gets NaN.

    Examples
    --------
    >>> y = np.array([[1.0] * 24 + [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
    >>> features(y, 30, -6, MatchOptions(baseline_months=24)).tolist()
    [[1.0, 0.0, -1.0]]
    """
    start = g + lo
    base = y[:, max(0, start - options.baseline_months) : max(0, start)]
    counts = np.isfinite(base).sum(axis=1)
    with np.errstate(invalid="ignore"):
        baseline = np.where(
            counts >= options.min_baseline,
            np.nansum(base, axis=1) / np.maximum(counts, 1),
            np.nan,
        )
    pre = y[:, start:g]
    blocks = -lo // BLOCK
    pre = pre[:, pre.shape[1] - blocks * BLOCK :].reshape(y.shape[0], blocks, BLOCK)
    # A block needs two of its three months; otherwise the trust cannot be matched.
    seen = np.isfinite(pre).sum(axis=2)
    means = np.where(seen >= 2, np.nansum(pre, axis=2) / np.maximum(seen, 1), np.nan)
    return np.column_stack([baseline, means - baseline[:, None]])


@dataclass(frozen=True, slots=True)
class Matches:
    """``treated[n]`` (a row index) is compared with rows ``controls[n]``; ``distance`` is the
    mean standardised distance to them."""

    treated: tuple[int, ...]
    events: tuple[int, ...]
    controls: tuple[tuple[int, ...], ...]
    distance: tuple[float, ...]
    adjustment: tuple[Float, ...] = ()


def match(
    y: Float,
    g: NDArray[np.int64],
    window: tuple[int, int],
    options: MatchOptions,
    covariate: Float | None = None,
) -> tuple[Matches, int]:
    """Nearest-neighbour comparators for every treated row of ``y``.

    ``g[i]`` is row ``i``'s event month (negative: never). ``covariate`` (rows and months as
    ``y``; the composite quality score) adds its own baseline and blocks to the features.
    Returns the matches and how many treated rows could not be matched (too little data before
    entry or after, or no pool).
    """
    lo, hi = window
    months = y.shape[1]
    treated, events, controls, distances = [], [], [], []
    adjustments: list[Float] = []
    unmatched = 0
    for i in np.flatnonzero(g >= 0):
        gi = int(g[i])
        if gi + lo < 0 or gi >= months:
            unmatched += 1
            continue
        f = features(y, gi, lo, options)
        if covariate is not None:
            f = np.hstack([f, features(covariate, gi, lo, options)])
        pool = np.flatnonzero((g < 0) | (g > gi + hi))
        post = y[pool, gi : min(months, gi + hi + 1)]
        pool = pool[np.isfinite(f[pool]).all(axis=1) & np.isfinite(post).any(axis=1)]
        if not np.isfinite(f[i]).all() or pool.size < options.neighbours:
            unmatched += 1
            continue
        # A feature (nearly) constant in the pool cannot rank it: floor its scale so rounding
        # noise is not magnified into a distance.
        scale = np.maximum(f[pool].std(axis=0), 1e-8 * (1.0 + np.abs(f[pool]).max(axis=0)))
        d = np.sqrt((((f[pool] - f[i]) / scale) ** 2).sum(axis=1))
        nearest = np.argsort(d, kind="stable")[: options.neighbours]
        treated.append(int(i))
        events.append(gi)
        controls.append(tuple(int(j) for j in pool[nearest]))
        distances.append(float(d[nearest].mean()))
        if options.bias_correction:
            adjustments.append(_adjustment(y, pool, f, int(i), gi, window, pool[nearest], scale))
    matches = Matches(
        tuple(treated), tuple(events), tuple(controls), tuple(distances), tuple(adjustments)
    )
    return matches, unmatched


def _adjustment(
    y: Float, pool: NDArray[np.int64], f: Float, i: int, g: int, window: tuple[int, int],
    chosen: NDArray[np.int64], scale: Float,
) -> Float:  # fmt: skip
    """Regression bias correction of the chosen comparators' changes (Abadie and Imbens 2011):
    for each month of the window, the pool's changes regressed (OLS) on the standardised
    features, times the feature gap between the treated trust and each comparator. Returns an
    array (comparators, months of the window) to add to their changes."""
    lo, hi = window
    change = _changes(y, pool.tolist(), g, lo, hi)
    x = np.column_stack([np.ones(pool.size), f[pool] / scale])
    gap = (f[i] - f[chosen]) / scale
    out = np.zeros((chosen.size, hi - lo + 1))
    # One least-squares solve for every month the whole pool has, one each for the rest.
    enough = x.shape[1] + 2  # fewer pool trusts than this: no correction that month
    full = np.isfinite(change).all(axis=0) & (pool.size > enough)
    if full.any():
        beta, *_ = np.linalg.lstsq(x, change[:, full], rcond=None)
        out[:, full] = gap @ beta[1:]
    for k in np.flatnonzero(~full):
        ok = np.isfinite(change[:, k])
        if ok.sum() > enough:
            beta_k, *_ = np.linalg.lstsq(x[ok], change[ok, k], rcond=None)
            out[:, k] = gap @ beta_k[1:]
    return out


def _changes(y: Float, rows: list[int] | int, g: int, lo: int, hi: int) -> Float:
    """Rows' values over months g+lo..g+hi minus their reference (months -REFERENCE..-1)."""
    months = y.shape[1]
    idx = np.arange(g + lo, g + hi + 1)
    inside = (idx >= 0) & (idx < months)
    block = np.atleast_2d(y[rows])
    out = np.full((block.shape[0], idx.size), np.nan)
    out[:, inside] = block[:, idx[inside]]
    ref = _row_mean(out[:, -lo - REFERENCE : -lo].T)[:, None]
    return out - ref


@dataclass(frozen=True, slots=True)
class MatchedEstimate:
    """Per-month estimates (``ks``), their covariance, and the per-trust differences."""

    ks: tuple[int, ...]
    estimate: Float
    vcov: Float
    n_treated: NDArray[np.int64]
    units: int


def _row_mean(c: Float) -> Float:
    """Column means of ``c`` over its finite entries (NaN where a column has none)."""
    seen = np.isfinite(c).sum(axis=0)
    total = np.where(np.isfinite(c), c, 0.0).sum(axis=0)
    return np.where(seen > 0, total / np.maximum(seen, 1), np.nan)


def _matrix(frame: pd.DataFrame, column: str, index: dict[str, int], months: int) -> Float:
    """``frame[column]`` as a (unit x month) matrix, NaN where there is no value; units not in
    ``index`` and months outside ``0..months-1`` are left out."""
    known = frame["unit"].isin(index) & (frame["t"] >= 0) & (frame["t"] < months)
    rows = frame[known]
    out = np.full((len(index), months), np.nan)
    out[rows["unit"].map(index).to_numpy(), rows["t"].to_numpy()] = rows[column].to_numpy()
    return out


def _matched_changes(
    y: Float, matches: Matches, window: tuple[int, int]
) -> tuple[Float, list[Float]]:
    """Each treated trust's change (treated x months) and its comparators' raw changes."""
    lo, hi = window
    own = [
        _changes(y, i, gi, lo, hi)[0] for i, gi in zip(matches.treated, matches.events, strict=True)
    ]
    comp = [
        _changes(y, list(cs), gi, lo, hi)
        for gi, cs in zip(matches.events, matches.controls, strict=True)
    ]
    return np.array(own), comp


def _estimate(
    a: Float, comp: list[Float], matches: Matches, window: tuple[int, int]
) -> MatchedEstimate:
    """The event-study estimates from the treated changes ``a`` and comparators' changes."""
    lo, hi = window
    ks = np.arange(lo, hi + 1)
    valid = np.isfinite(a)
    cmean = np.array([_row_mean(c) for c in comp])
    valid &= np.isfinite(cmean)
    n = valid.sum(axis=0)
    diff = np.where(valid, a - cmean, 0.0)
    est = np.where(n > 0, diff.sum(axis=0) / np.maximum(n, 1), np.nan)
    abar = np.where(n > 0, np.where(valid, a, 0).sum(0) / np.maximum(n, 1), 0.0)
    cbar = np.where(n > 0, np.where(valid, cmean, 0).sum(0) / np.maximum(n, 1), 0.0)
    # Per-trust contributions (influence functions) to each month's estimate.
    psi: dict[int, Float] = {}
    for row, (i, c) in enumerate(zip(matches.treated, comp, strict=True)):
        ok = valid[row]
        contrib = np.where(ok, (a[row] - abar) / np.maximum(n, 1), 0.0)
        psi[i] = psi.get(i, np.zeros(ks.size)) + contrib
        seen = np.isfinite(c)
        per = np.maximum(seen.sum(axis=0), 1)
        for j, cj in zip(matches.controls[row], c, strict=True):
            share = np.where(ok & np.isfinite(cj), (cj - cbar) / per / np.maximum(n, 1), 0.0)
            psi[j] = psi.get(j, np.zeros(ks.size)) - share
    m = np.array(list(psi.values()))
    clusters = m.shape[0]
    vcov = m.T @ m * clusters / max(clusters - 1, 1)
    return MatchedEstimate(tuple(int(k) for k in ks), est, vcov, n.astype(np.int64), clusters)


def matched_event_study(
    panel: Panel,
    window: tuple[int, int] = (-12, 24),
    *,
    level: float = 0.95,
    options: MatchOptions | None = None,
) -> Any:
    """The matched DiD event study of ``panel``; returns an ``EventStudyResult``."""
    from specialmeasures.evaluation.impact import (
        EventStudyResult,
        _average_effect,
        _wald,
        _z,
    )

    opts = options or MatchOptions()
    lo, hi = window
    if not lo <= -REFERENCE - 1 < 0 <= hi or -lo % BLOCK:
        raise InputError(
            f"window: must start at -{REFERENCE + 1} or earlier, in whole {BLOCK}-month blocks, "
            "and end at 0 or later",
            value=list(window),
        )
    frame = panel.frame
    units = sorted(frame["unit"].unique())
    index = {u: n for n, u in enumerate(units)}
    months = int(frame["t"].max()) + 1
    y = _matrix(frame, "y", index, months)
    g = np.full(len(units), -1, dtype=np.int64)
    for unit, gi in frame.groupby("unit")["g"].first().items():
        g[index[unit]] = int(gi)
    covariate = None
    if panel.covariate is not None:
        covariate = _matrix(panel.covariate, "score", index, months)
    matches, unmatched = match(y, g, window, opts, covariate)
    if not matches.treated:
        raise InputError(
            f"no trust with a {event_label(panel.event)} could be matched for {panel.indicator} (each "
            f"needs {-lo} months before it and {opts.min_baseline} baseline months)",
            value=panel.indicator,
        )
    own, comp = _matched_changes(y, matches, window)
    raw = _estimate(own, comp, matches, window)
    fit = raw
    if matches.adjustment:
        corrected = [c + adj for c, adj in zip(comp, matches.adjustment, strict=True)]
        fit = _estimate(own, corrected, matches, window)
    # Before entry the correction fits the matched features almost exactly, so the balance
    # check (pre-entry rows and the pre-trend test) uses the raw matched differences.
    matched_on = "the indicator"
    correction = ""
    if matches.adjustment:
        correction = (
            "regression bias correction of the months from entry on (the months before entry "
            "and the pre-trend test show the raw matched differences); "
        )
    if covariate is not None:
        matched_on += " and of the composite score of the other monthly indicators"
    z = _z(level)
    rows: list[dict[str, Any]] = []
    for n, k in enumerate(fit.ks):
        shown = fit if k >= 0 else raw
        b = float(shown.estimate[n])
        if not math.isfinite(b):
            rows.append({"k": k, "estimate": None, "se": None, "ci_low": None,
                         "ci_high": None, "n_treated": 0})  # fmt: skip
            continue
        se = math.sqrt(max(float(shown.vcov[n, n]), 0.0))
        rows.append({"k": k, "estimate": b, "se": se, "ci_low": b - z * se,
                     "ci_high": b + z * se, "n_treated": int(shown.n_treated[n])})  # fmt: skip
    ks = np.array(fit.ks)
    post = np.flatnonzero((ks >= 0) & np.isfinite(fit.estimate))
    w = np.zeros(ks.size)
    w[post] = 1.0 / post.size
    # The reference months are matched on, so the check is on months lo..-REFERENCE-1.
    pre = np.flatnonzero((ks < -REFERENCE) & np.isfinite(raw.estimate))
    pretrend = _wald(raw.estimate[pre], raw.vcov[np.ix_(pre, pre)])
    return EventStudyResult(
        indicator=panel.indicator,
        event=panel.event,
        estimator="matched",
        level=level,
        window=(lo, hi),
        rows=tuple(rows),
        att=_average_effect(w, fit.estimate, fit.vcov, z, hi),
        pretrend=pretrend,
        units=fit.units,
        treated_units=len(matches.treated),
        treated_left_out=unmatched,
        observations=int(np.isfinite(y).sum()),
        notes=(
            f"matched DiD: {opts.neighbours} nearest comparators per treated trust, untreated "
            f"over its window, on the baseline ({opts.baseline_months} months before the "
            f"window) and {BLOCK}-month blocks of months {lo}..-1 relative to it, of {matched_on}; "
            f"{correction}reference months -{REFERENCE}..-1; SEs clustered by trust",
            f"{unmatched} treated trust(s) left out: too little data to match",
            f"mean standardised matching distance {float(np.mean(matches.distance)):.3g}",
        ),
        matched=tuple(
            (str(units[i]), tuple(str(units[j]) for j in cs))
            for i, cs in zip(matches.treated, matches.controls, strict=True)
        ),
    )
