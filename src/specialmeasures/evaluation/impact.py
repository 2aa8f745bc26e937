"""Impact of SMQ entry (or exit) on an indicator: a staggered event study and per-trust
interrupted time series.

**Event study** (``event_study``): Gardner's two-stage difference-in-differences (``did2s``, as
implemented by pyfixest): unit and month fixed effects are estimated on the *untreated*
observations only (never-treated trusts and the not-yet-treated months of treated trusts), then
the residualised outcome of treated trusts is regressed on event-time dummies. This is robust to
effects that vary by cohort and over time, unlike the two-way fixed-effects regression. Months
outside ``window`` are not estimated: earlier months join the reference with the never-treated,
later months of treated trusts are dropped. The reference month is -1. Treated trusts need at
least ``MIN_UNTREATED`` untreated months (trusts already in SMQ when the data start cannot be
compared with themselves and are left out, and counted). Standard errors are clustered by
trust. The **pre-trend check** is a joint Wald test that every pre-period coefficient is zero.

**Interrupted time series** (``interrupted_time_series``): one trust's segmented regression,
``y = a + b t + c post + d (t - g) post``, OLS with Newey-West (HAC) standard errors
(statsmodels), over the window around its event.

pyfixest and statsmodels are imported inside the functions that use them.

References: Gardner J. Two-stage differences in differences (2022), arXiv:2207.05943; Butts K,
Gardner J. did2s: Two-Stage Difference-in-Differences. R Journal 2022; Bernal JL et al.
Interrupted time series regression for the evaluation of public health interventions. Int J
Epidemiol 2017;46:348-55.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from specialmeasures.domain import InputError
from specialmeasures.evaluation.events import event_label
from specialmeasures.evaluation.panel import Panel

__all__ = [
    "DESIGNS",
    "MIN_UNTREATED",
    "EventStudyResult",
    "ItsResult",
    "event_study",
    "interrupted_time_series",
]

#: Event-study designs: the matched DiD (``evaluation.matched``, the default) and did2s.
DESIGNS = ("matched", "did2s")
#: Untreated months a treated trust needs to enter the event study (its own fixed effect).
MIN_UNTREATED = 3
#: Newey-West lag length for the interrupted time series (monthly data: one quarter).
HAC_LAGS = 3


def _z(level: float) -> float:
    from scipy.stats import norm  # type: ignore[import-untyped]

    return float(norm.ppf(0.5 + level / 2))


def _name(k: int) -> str:
    return f"k{'m' if k < 0 else 'p'}{abs(k)}"


@dataclass(frozen=True, slots=True)
class EventStudyResult:
    indicator: str
    event: str
    estimator: str
    level: float
    window: tuple[int, int]
    rows: tuple[dict[str, Any], ...]
    att: dict[str, float]
    pretrend: dict[str, float]
    units: int
    treated_units: int
    treated_left_out: int
    observations: int
    notes: tuple[str, ...] = field(default=())
    #: The matched design's comparators: (treated trust, its comparators) for each treated trust.
    matched: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def document(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "event": self.event,
            "estimator": self.estimator,
            "level": self.level,
            "window": list(self.window),
            "att": self.att,
            "pretrend": self.pretrend,
            "units": self.units,
            "treated_units": self.treated_units,
            "treated_left_out": self.treated_left_out,
            "observations": self.observations,
            "event_study": list(self.rows),
            "notes": list(self.notes),
        }


def event_study(
    panel: Panel, window: tuple[int, int] = (-12, 24), *, level: float = 0.95
) -> EventStudyResult:
    """did2s event study of ``panel`` over ``window`` (months relative to the event)."""
    import pyfixest as pf

    lo, hi = window
    if not lo < -1 < 0 <= hi:
        raise InputError("window: must run from before -1 to 0 or later", value=list(window))
    d = panel.frame
    treated = d["g"] >= 0
    d = d[~(treated & (d["rel"] > hi))].copy()
    d["treat"] = ((d["g"] >= 0) & (d["rel"] >= 0)).astype(np.int64)
    untreated = d[d["treat"] == 0].groupby("unit").size()
    keep = set(untreated[untreated >= MIN_UNTREATED].index)
    all_treated = set(d.loc[d["g"] >= 0, "unit"])
    left_out = len(all_treated - keep)
    d = d[d["unit"].isin(keep)]
    # A month with fewer than two untreated observations has no month effect to impute from
    # (e.g. late months of an exit study, when every comparator has exited; a singleton fixed
    # effect, which pyfixest's did2s cannot drop on its own): leave it out, and a trust left
    # with a single untreated month too.
    while True:
        untreated_rows = d[d["treat"] == 0]
        months = untreated_rows.groupby("t").size()
        units = untreated_rows.groupby("unit").size()
        ok = d["t"].isin(set(months[months >= 2].index)) & d["unit"].isin(
            set(units[units >= 2].index)
        )
        if ok.all():
            break
        d = d[ok]
    n_treated = int(d.loc[d["g"] >= 0, "unit"].nunique())
    if n_treated == 0:
        raise InputError(
            f"no trust with a {event_label(panel.event)} and {MIN_UNTREATED} untreated months has data "
            f"for {panel.indicator}",
            value=panel.indicator,
        )
    ks = [k for k in range(lo, hi + 1) if k != -1]
    rel = d["rel"].to_numpy()
    names = []
    for k in ks:
        column = (rel == k).astype(np.float64)
        if column.any():
            d[_name(k)] = column
            names.append(_name(k))
    with warnings.catch_warnings(record=True) as caught:
        # pyfixest 0.60 calls DataFrame methods with inplace=True, deprecated by pandas 3.1;
        # harmless, and not ours to fix: silence exactly that message, nothing else.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame")
        # Singleton fixed effects (a trust or month with one untreated observation) are dropped
        # by pyfixest, as they should be: reported as a note, not a warning.
        warnings.filterwarnings("always", message=r".*singleton fixed effect")
        fit = pf.did2s(
            d,
            yname="y",
            first_stage="~ 0 | unit + t",
            second_stage="~ 0 + " + " + ".join(names),
            treatment="treat",
            cluster="unit",
        )
    coef = fit.coef()
    order = [str(n) for n in fit._coefnames]
    vcov = np.asarray(fit._vcov, dtype=np.float64)
    z = _z(level)
    rows: list[dict[str, Any]] = []
    for k in ks:
        name = _name(k)
        if name in order:
            i = order.index(name)
            b, se = float(coef[name]), math.sqrt(max(vcov[i, i], 0.0))
            rows.append({"k": k, "estimate": b, "se": se, "ci_low": b - z * se,
                         "ci_high": b + z * se, "n_treated": int(d[name].sum())})  # fmt: skip
        else:
            rows.append({"k": k, "estimate": None, "se": None, "ci_low": None, "ci_high": None,
                         "n_treated": 0})  # fmt: skip
    rows.append({"k": -1, "estimate": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0,
                 "n_treated": int((rel == -1).sum())})  # fmt: skip
    rows.sort(key=lambda r: r["k"])
    post = [order.index(_name(k)) for k in range(0, hi + 1) if _name(k) in order]
    w = np.zeros(len(order))
    w[post] = 1.0 / len(post)
    pre = [order.index(_name(k)) for k in range(lo, -1) if _name(k) in order]
    pretrend = _wald(coef.to_numpy()[pre], vcov[np.ix_(pre, pre)])
    return EventStudyResult(
        indicator=panel.indicator,
        event=panel.event,
        estimator="did2s",
        level=level,
        window=(lo, hi),
        rows=tuple(rows),
        att=_average_effect(w, coef.to_numpy(), vcov, z, hi),
        pretrend=pretrend,
        units=int(d["unit"].nunique()),
        treated_units=n_treated,
        treated_left_out=left_out,
        observations=len(d),
        notes=(
            "did2s: fixed effects from never-treated and not-yet-treated observations; "
            "SEs clustered by trust",
            f"{left_out} treated trust(s) left out: fewer than {MIN_UNTREATED} untreated months",
            *(f"pyfixest: {w.message}" for w in caught),
        ),
    )


def _average_effect(
    weights: np.ndarray[Any, Any],
    estimates: np.ndarray[Any, Any],
    vcov: np.ndarray[Any, Any],
    z: float,
    to_k: int,
) -> dict[str, float]:
    """The weighted average of the post-event estimates with its standard error and interval."""
    att = float(weights @ np.nan_to_num(estimates))
    se = math.sqrt(max(float(weights @ vcov @ weights), 0.0))
    return {
        "estimate": att,
        "se": se,
        "ci_low": att - z * se,
        "ci_high": att + z * se,
        "from_k": 0,
        "to_k": to_k,
    }


def _wald(b: np.ndarray[Any, Any], v: np.ndarray[Any, Any]) -> dict[str, float]:
    from scipy.stats import chi2

    if b.size == 0:
        return {"chi2": 0.0, "df": 0.0, "p_value": 1.0}
    stat = float(b @ np.linalg.pinv(v) @ b)
    return {"chi2": stat, "df": float(b.size), "p_value": float(chi2.sf(stat, b.size))}


@dataclass(frozen=True, slots=True)
class ItsResult:
    provider_code: str
    indicator: str
    event_month: int
    months_before: int
    months_after: int
    level_change: dict[str, float]
    slope_change: dict[str, float]
    pre_slope: dict[str, float]
    level: float

    def document(self) -> dict[str, Any]:
        return {
            "provider_code": self.provider_code,
            "indicator": self.indicator,
            "months_before": self.months_before,
            "months_after": self.months_after,
            "level": self.level,
            "pre_slope": self.pre_slope,
            "level_change": self.level_change,
            "slope_change": self.slope_change,
            "estimator": f"segmented OLS, Newey-West (HAC) SEs, {HAC_LAGS} lags",
        }


def interrupted_time_series(
    panel: Panel,
    code: str,
    window: tuple[int, int] = (-12, 24),
    *,
    min_months: int = 6,
    level: float = 0.95,
) -> ItsResult:
    """One trust's segmented regression around its event, with HAC standard errors."""
    import statsmodels.api as sm  # type: ignore[import-untyped]

    d = panel.frame[panel.frame["unit"] == code]
    if d.empty:
        raise InputError(f"no {panel.indicator} data for this trust", value=code)
    if int(d["g"].iloc[0]) < 0:
        raise InputError(f"this trust has no {event_label(panel.event)} in the data", value=code)
    lo, hi = window
    d = d[(d["rel"] >= lo) & (d["rel"] <= hi)]
    before, after = int((d["rel"] < 0).sum()), int((d["rel"] >= 0).sum())
    if before < min_months or after < min_months:
        raise InputError(
            f"needs {min_months} months each side of the {panel.event} "
            f"(has {before} before, {after} after)",
            value=code,
        )
    rel = d["rel"].to_numpy(dtype=np.float64)
    post = (rel >= 0).astype(np.float64)
    x = np.column_stack([np.ones_like(rel), rel, post, rel * post])
    fit = sm.OLS(d["y"].to_numpy(dtype=np.float64), x).fit(
        cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS}
    )
    z = _z(level)

    def part(i: int) -> dict[str, float]:
        b, se = float(fit.params[i]), float(fit.bse[i])
        return {"estimate": b, "se": se, "ci_low": b - z * se, "ci_high": b + z * se}

    return ItsResult(
        provider_code=code,
        indicator=panel.indicator,
        event_month=int(d["g"].iloc[0]),
        months_before=before,
        months_after=after,
        level_change=part(2),
        slope_change=part(3),
        pre_slope=part(1),
        level=level,
    )
