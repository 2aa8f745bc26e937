"""Validate the impact estimators on the synthetic country, against its latent truth.

For each seed the country is generated afresh (no database), the indicator's panel is taken
straight from the generated columns, the event study is run, and its estimates are compared
with the true effect of SMQ entry the generator applied (``truth.smq_effects``): bias and root
mean square error of the average effect over months 0..window end and of each month's effect,
confidence-interval coverage, and how often the pre-trend check rejects at 5%.

``outcome="observed"`` scores the estimator on the generated values themselves. In the synthetic
country (as in the real regime) a trust enters SMQ *because* its latent quality fell, and that
quality recovers afterwards whether or not SMQ works: parallel trends fail by design, and the
pre-trend check should say so. ``outcome="parallel"`` keeps the country's trusts, entry dates and
true effect but replaces the outcome by trust level + calendar-month level (the never-treated
trusts' monthly means) + noise of the observed residual size + the true effect, so parallel
trends hold: it checks the estimator itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from specialmeasures.domain import InputError
from specialmeasures.evaluation.impact import DESIGNS, event_study
from specialmeasures.evaluation.matched import matched_event_study
from specialmeasures.evaluation.panel import panel_from_columns

__all__ = ["ValidationResult", "true_effects", "validate_impact"]


def true_effects(effect: Any, window: tuple[int, int]) -> dict[int, float]:
    """The generator's true effect by month relative to entry (0 before entry)."""
    lo, hi = window
    ks = np.arange(lo, hi + 1, dtype=np.float64)
    values = np.where(ks >= 0, effect.at(np.maximum(ks, 0.0)), 0.0)
    return {int(k): float(v) for k, v in zip(ks, values, strict=True)}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    indicator: str
    scale: str
    window: tuple[int, int]
    seeds: tuple[int, ...]
    per_seed: tuple[dict[str, Any], ...]
    summary: dict[str, float]


def _parallel(panel: Any, truth: dict[int, float], seed: int, effect: Any) -> Any:
    """The panel with its outcome replaced by one where parallel trends hold (see above)."""
    from dataclasses import replace

    d = panel.frame.copy()
    rng = np.random.default_rng(seed)
    month_level = d[d["g"] < 0].groupby("t")["y"].mean()
    unit_mean = d.groupby("unit")["y"].mean()
    level = rng.normal(unit_mean.mean(), unit_mean.std(), size=unit_mean.size)
    resid = d["y"] - d["unit"].map(unit_mean) - d["t"].map(month_level) + month_level.mean()
    noise_sd = float(np.nanstd(resid))
    rel = d["rel"].to_numpy()
    eff = np.where(np.isfinite(rel) & (rel >= 0), effect.at(np.nan_to_num(rel, nan=0.0)), 0.0)
    d["y"] = (
        d["unit"].map(dict(zip(unit_mean.index, level, strict=True))).to_numpy()
        + d["t"].map(month_level).fillna(month_level.mean()).to_numpy()
        + rng.normal(0.0, noise_sd, size=len(d))
        + eff
    )
    return replace(panel, frame=d)


def validate_impact(
    indicator: str,
    seeds: int,
    *,
    outcome: str = "observed",
    design: str = "matched",
    first_seed: int = 1,
    window: tuple[int, int] = (-12, 24),
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
    unplaced: bool = True,
) -> ValidationResult:
    """Run the event study on ``seeds`` generated countries and score it against the truth."""
    from specialmeasures.demo import generate

    if outcome not in ("observed", "parallel"):
        raise InputError("outcome: must be observed or parallel", value=outcome)
    if design not in DESIGNS:
        raise InputError(f"design: must be one of {', '.join(DESIGNS)}", value=design)
    if seeds < 1:
        raise InputError("seeds: must be at least 1", value=seeds)
    per_seed: list[dict[str, Any]] = []
    scale = ""
    for n, seed in enumerate(range(first_seed, first_seed + seeds)):
        country = generate(seed, unplaced=unplaced)
        effect = country.truth.smq_effects.get(indicator)
        if effect is None:
            raise InputError("not an indicator of the synthetic country", value=indicator)
        if effect.scale != "additive":
            raise InputError(
                "its true effect is multiplicative (a rate or count); validate an indicator "
                "whose effect is additive (a proportion, ratio or score)",
                value=indicator,
            )
        scale = effect.scale
        obs = country.observations
        panel = panel_from_columns(
            indicator, "entry", obs.provider_code, obs.indicator_id, obs.period, obs.value,
            country.episodes, composite_of=country.indicators if design == "matched" else (),
        )  # fmt: skip
        truth = true_effects(effect, window)
        if outcome == "parallel":
            panel = _parallel(panel, truth, seed, effect)
        if design == "matched":
            result = matched_event_study(panel, window, level=level)
        else:
            result = event_study(panel, window, level=level)
        att_truth = float(np.mean([truth[k] for k in range(0, window[1] + 1)]))
        months = [r for r in result.rows if r["estimate"] is not None and r["k"] != -1]
        per_seed.append(
            {
                "seed": seed,
                "treated": result.treated_units,
                "att": result.att["estimate"],
                "att_truth": att_truth,
                "att_covered": result.att["ci_low"] <= att_truth <= result.att["ci_high"],
                "month_errors": [r["estimate"] - truth[r["k"]] for r in months],
                "month_covered": [r["ci_low"] <= truth[r["k"]] <= r["ci_high"] for r in months],
                "pretrend_p": result.pretrend["p_value"],
            }
        )
        if progress:
            progress(n + 1, seeds)
    errors = np.array([s["att"] - s["att_truth"] for s in per_seed])
    month_errors = np.concatenate([np.asarray(s["month_errors"]) for s in per_seed])
    month_cov = np.concatenate([np.asarray(s["month_covered"]) for s in per_seed])
    summary = {
        "att_truth": float(np.mean([s["att_truth"] for s in per_seed])),
        "att_mean_estimate": float(np.mean([s["att"] for s in per_seed])),
        "att_bias": float(errors.mean()),
        "att_rmse": float(math.sqrt(float((errors**2).mean()))),
        "att_coverage": float(np.mean([s["att_covered"] for s in per_seed])),
        "month_bias": float(month_errors.mean()),
        "month_coverage": float(month_cov.mean()),
        "pretrend_rejection_rate": float(np.mean([s["pretrend_p"] < 0.05 for s in per_seed])),
        "mean_treated": float(np.mean([s["treated"] for s in per_seed])),
    }
    return ValidationResult(
        indicator, scale, window, tuple(range(first_seed, first_seed + seeds)),
        tuple(per_seed), summary,
    )  # fmt: skip
