"""An independent estimator beside the matched design: Callaway and Sant'Anna (2021), as
implemented by the maintained ``diff-diff`` library.

Group-time effects ATT(g, t) of each entry cohort against never-treated trusts (unconditional
parallel trends, universal base period: every month is compared with the month before the
event), aggregated to an event study over ``window``; the average effect over months
0..window end weights those months equally, as the matched design does, with its standard
error from the library's covariance of the event-study estimates (analytical influence-function
standard errors, clustered by trust). The pre-trend check is a joint Wald test of the months
before -1.

It answers a different question from the matched design whenever entry follows a dip in the
outcome: parallel trends from the month before entry then fail by construction (the comparison
is with trusts that had no crisis), and recovery that follows any crisis is counted as effect.
Where the two disagree, that is the first explanation to check; the pre-trend test of each
says which comparison held before entry.

Reference: Callaway B, Sant'Anna PHC. Difference-in-differences with multiple time periods.
J Econometrics 2021;225:200-30.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from specialmeasures.domain import InputError
from specialmeasures.evaluation.panel import Panel

__all__ = ["callaway_santanna"]


def callaway_santanna(
    panel: Panel, window: tuple[int, int] = (-12, 24), *, level: float = 0.95
) -> Any:
    """The Callaway-Sant'Anna event study of ``panel``; returns an ``EventStudyResult``."""
    import pandas as pd  # type: ignore[import-untyped]
    from diff_diff import CallawaySantAnna  # type: ignore[import-untyped]  # no stubs

    from specialmeasures.evaluation.impact import EventStudyResult, _average_effect, _wald, _z

    lo, hi = window
    if not lo < -1 < 0 <= hi:
        raise InputError("window: must run from before -1 to 0 or later", value=list(window))
    d = panel.frame
    d = d[np.isfinite(d["y"].to_numpy(dtype=np.float64))]
    if not (d["g"] >= 0).any() or not (d["g"] < 0).any():
        raise InputError(
            "the Callaway-Sant'Anna estimator needs treated and never-treated trusts",
            value=panel.indicator,
        )
    # diff-diff numbers periods from 1 and marks never-treated units with 0.
    data = pd.DataFrame(
        {
            "unit": d["unit"].astype(str).to_numpy(),
            "t": d["t"].to_numpy(dtype=np.int64) + 1,
            "y": d["y"].to_numpy(dtype=np.float64),
            "first_treat": np.where(d["g"] >= 0, d["g"] + 1, 0).astype(np.int64),
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator = CallawaySantAnna(
            control_group="never_treated", base_period="universal", alpha=1 - level
        )
        fitted = estimator.fit(data, outcome="y", unit="unit", time="t", first_treat="first_treat")
        study = fitted.aggregate("event_study")
    table = study.to_dataframe()
    index = [int(k) for k in np.asarray(study.vcov_index)]
    position = {k: n for n, k in enumerate(index)}
    vcov_all = np.asarray(study.vcov, dtype=np.float64)
    z = _z(level)
    ks = [k for k in range(lo, hi + 1) if k != -1]
    by_k = {int(r.event_time): r for r in table.itertuples()}
    rows: list[dict[str, Any]] = []
    estimates = np.full(len(ks), np.nan)
    for n, k in enumerate(ks):
        r = by_k.get(k)
        if r is None or not math.isfinite(float(r.att)) or not math.isfinite(float(r.se)):
            rows.append({"k": k, "estimate": None, "se": None, "ci_low": None,
                         "ci_high": None, "n_treated": 0})  # fmt: skip
            continue
        b, se = float(r.att), float(r.se)
        estimates[n] = b
        rows.append({"k": k, "estimate": b, "se": se, "ci_low": b - z * se,
                     "ci_high": b + z * se, "n_treated": int(r.n)})  # fmt: skip
    rows.insert(ks.index(0), {"k": -1, "estimate": 0.0, "se": 0.0, "ci_low": 0.0,
                              "ci_high": 0.0, "n_treated": 0})  # fmt: skip
    have = [n for n, k in enumerate(ks) if math.isfinite(estimates[n]) and k in position]
    sub = [position[ks[n]] for n in have]
    vcov = vcov_all[np.ix_(sub, sub)]
    est = estimates[have]
    ks_have = np.array([ks[n] for n in have])
    post = np.flatnonzero(ks_have >= 0)
    weights = np.zeros(ks_have.size)
    if post.size:
        weights[post] = 1.0 / post.size
    pre = np.flatnonzero(ks_have < -1)
    treated = data.loc[data["first_treat"] > 0, "unit"].nunique()
    return EventStudyResult(
        indicator=panel.indicator,
        event=panel.event,
        estimator="callaway_santanna",
        level=level,
        window=(lo, hi),
        rows=tuple(rows),
        att=_average_effect(weights, est, vcov, z, hi),
        pretrend=_wald(est[pre], vcov[np.ix_(pre, pre)]),
        units=int(data["unit"].nunique()),
        treated_units=int(treated),
        treated_left_out=0,
        observations=len(data),
        notes=(
            "Callaway-Sant'Anna (diff-diff): cohorts against never-treated trusts, "
            "unconditional parallel trends from the month before the event (universal base "
            "period); analytical SEs clustered by trust",
            *sorted({f"diff-diff: {w.message}" for w in caught}),
        ),
    )
