"""Validate the impact estimators on synthetic countries, against their latent truth.

For each seed a country is generated afresh (no database) in the chosen ``World``
(``demo.world``: the base design, a null world with no effect, a realistic one with fewer,
later and shallower untreated crises and an effect that varies by trust, ...), the indicator's
panel is taken straight from the generated columns, the matched design (or did2s) is run, and
beside it, unless switched off, an independent estimator (Callaway-Sant'Anna by the diff-diff
library). Each is compared with the true effect of SMQ entry: the generator's effect in each
trust-month's expected value, on the indicator's own scale, averaged over the treated trusts
the estimator used (so heterogeneous and multiplicative effects have an exact truth too).

What is reported, per estimator, is what a methodologist asks for: bias with its Monte Carlo
error, RMSE, coverage of the interval with its binomial (Wilson) interval, the ratio of the
mean reported standard error to the spread of the estimates across seeds, how often the
interval excludes zero (power, or the false-positive rate where the true effect is zero), the
minimum detectable effect at 80% power, the pre-trend test's rejection rate, and for the
matched design the share of comparators that are constructed shadows of the treated trusts.

``outcome="observed"`` scores the estimator on the generated values themselves. In the synthetic
country (as in the real regime) a trust enters SMQ *because* its latent quality fell, and that
quality recovers afterwards whether or not SMQ works. ``outcome="parallel"`` keeps the
country's trusts, entry dates and true effect but replaces the outcome by trust level +
calendar-month level (the never-treated trusts' monthly means) + noise of the observed residual
size + the true effect, so parallel trends hold: it checks the estimator itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from specialmeasures.demo.world import WORLDS, World
from specialmeasures.domain import InputError
from specialmeasures.evaluation.impact import DESIGNS, event_study
from specialmeasures.evaluation.matched import matched_event_study
from specialmeasures.evaluation.panel import Panel, panel_from_columns

__all__ = [
    "INDEPENDENT",
    "ValidationResult",
    "summarise_errors",
    "validate_impact",
    "validation_rows",
]

#: The independent estimator reported beside the matched design.
INDEPENDENT = "callaway_santanna"
#: Power against which the minimum detectable effect is stated.
POWER = 0.8


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """``summary`` is the main design's; ``independent`` the independent estimator's (empty
    when it was not run). ``per_seed`` holds one record per seed."""

    indicator: str
    scale: str
    window: tuple[int, int]
    seeds: tuple[int, ...]
    per_seed: tuple[dict[str, Any], ...]
    summary: dict[str, float]
    world: str = "base"
    design: str = "matched"
    independent: dict[str, float] = field(default_factory=dict)


def _truth_by_month(
    effect_panel: Panel, treated: set[str] | None, window: tuple[int, int]
) -> dict[int, float]:
    """Mean true effect over the treated trusts (all, or those in ``treated``) by event month."""
    d = effect_panel.frame
    d = d[(d["g"] >= 0) & d["rel"].between(window[0], window[1])]
    if treated is not None:
        d = d[d["unit"].astype(str).isin(treated)]
    means = d.groupby(d["rel"].astype(int))["y"].mean()
    return {k: float(means.get(k, 0.0)) if k >= 0 else 0.0 for k in range(window[0], window[1] + 1)}


def _parallel(panel: Panel, effect_panel: Panel, seed: int) -> Panel:
    """The panel with its outcome replaced by one where parallel trends hold (see above)."""
    d = panel.frame.copy()
    rng = np.random.default_rng(seed)
    month_level = d[d["g"] < 0].groupby("t")["y"].mean()
    unit_mean = d.groupby("unit")["y"].mean()
    level = rng.normal(unit_mean.mean(), unit_mean.std(), size=unit_mean.size)
    resid = d["y"] - d["unit"].map(unit_mean) - d["t"].map(month_level) + month_level.mean()
    noise_sd = float(np.nanstd(resid))
    true = effect_panel.frame.set_index(["unit", "t"])["y"]
    rel = d["rel"].to_numpy()
    looked_up = true.reindex(list(zip(d["unit"], d["t"], strict=True))).to_numpy()
    eff = np.where(np.isfinite(rel) & (rel >= 0), np.nan_to_num(looked_up), 0.0)
    d["y"] = (
        d["unit"].map(dict(zip(unit_mean.index, level, strict=True))).to_numpy()
        + d["t"].map(month_level).fillna(month_level.mean()).to_numpy()
        + rng.normal(0.0, noise_sd, size=len(d))
        + eff
    )
    return replace(panel, frame=d)


def _wilson(successes: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarise_errors(records: list[dict[str, Any]], level: float) -> dict[str, float]:
    """The methodologist's table for one estimator over seeds (see the module docstring).

    Each record holds ``att``, ``se``, ``att_truth``, ``att_covered``, ``pretrend_p``.
    """
    from scipy.stats import norm  # type: ignore[import-untyped]

    n = len(records)
    est = np.array([r["att"] for r in records])
    truth = np.array([r["att_truth"] for r in records])
    se = np.array([r["se"] for r in records])
    errors = est - truth
    z = float(norm.ppf(0.5 + level / 2))
    spread = float(est.std(ddof=1)) if n > 1 else math.nan
    covered = float(np.sum([r["att_covered"] for r in records]))
    low, high = _wilson(covered, n)
    excludes_zero = float(np.mean(np.abs(est) > z * se))
    z_power = float(norm.ppf(POWER))
    out = {
        "att_truth": float(truth.mean()),
        "att_mean_estimate": float(est.mean()),
        "att_bias": float(errors.mean()),
        "att_bias_mc_se": float(errors.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "att_rmse": float(math.sqrt(float((errors**2).mean()))),
        "att_coverage": covered / n,
        "att_coverage_low": low,
        "att_coverage_high": high,
        "mean_reported_se": float(se.mean()),
        "sd_of_estimates": spread,
        "se_ratio": float(se.mean()) / spread if n > 1 and spread > 0 else math.nan,
        "interval_excludes_zero": excludes_zero,
        "mde_80_from_reported_se": (z + z_power) * float(se.mean()),
        "mde_80_from_spread": (z + z_power) * spread if n > 1 else math.nan,
        "pretrend_rejection_rate": float(np.mean([r["pretrend_p"] < 0.05 for r in records])),
    }
    return out


def _one_seed(
    indicator: str,
    seed: int,
    *,
    outcome: str,
    design: str,
    window: tuple[int, int],
    level: float,
    unplaced: bool,
    world: World,
    independent: bool,
) -> dict[str, Any]:
    from specialmeasures.demo import generate

    country = generate(seed, unplaced=unplaced, world=world)
    effect = country.truth.smq_effects.get(indicator)
    if effect is None:
        raise InputError("not an indicator of the synthetic country", value=indicator)
    obs = country.observations
    columns = (obs.provider_code, obs.indicator_id, obs.period)
    panel = panel_from_columns(
        indicator, "entry", *columns, obs.value, country.episodes,
        composite_of=country.indicators if design == "matched" else (),
    )  # fmt: skip
    effect_panel = panel_from_columns(
        indicator, "entry", *columns, country.truth.observed_effect, country.episodes
    )
    if outcome == "parallel":
        panel = _parallel(panel, effect_panel, seed)
    if design == "matched":
        result = matched_event_study(panel, window, level=level)
        used = {code for code, _ in result.matched}
    else:
        result = event_study(panel, window, level=level)
        used = None
    truth = _truth_by_month(effect_panel, used, window)
    record = _record(result, truth, window)
    record["seed"] = seed
    record["scale"] = effect.scale
    if design == "matched":
        shadows = set(country.truth.twin_of)
        comparators = [c for _, cs in result.matched for c in cs]
        record["shadow_share_of_comparators"] = (
            sum(c in shadows for c in comparators) / len(comparators) if comparators else 0.0
        )
        record["own_shadow_among_comparators"] = (
            float(
                np.mean(
                    [
                        any(country.truth.twin_of.get(c) == code for c in cs)
                        for code, cs in result.matched
                    ]
                )
            )
            if result.matched
            else 0.0
        )
        record["shadow_share_of_pool"] = len(shadows) / max(1, panel.units - panel.treated_units)
    if independent:
        from specialmeasures.evaluation.callaway import callaway_santanna

        other = callaway_santanna(panel, window, level=level)
        record["independent"] = _record(other, _truth_by_month(effect_panel, None, window), window)
    return record


def _record(result: Any, truth: dict[int, float], window: tuple[int, int]) -> dict[str, Any]:
    att_truth = float(np.mean([truth[k] for k in range(0, window[1] + 1)]))
    months = [r for r in result.rows if r["estimate"] is not None and r["k"] != -1]
    return {
        "treated": result.treated_units,
        "att": result.att["estimate"],
        "se": result.att["se"],
        "ci_low": result.att["ci_low"],
        "ci_high": result.att["ci_high"],
        "att_truth": att_truth,
        "att_covered": result.att["ci_low"] <= att_truth <= result.att["ci_high"],
        "month_errors": [r["estimate"] - truth[r["k"]] for r in months],
        "month_covered": [r["ci_low"] <= truth[r["k"]] <= r["ci_high"] for r in months],
        "pretrend_p": result.pretrend["p_value"],
    }


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
    world: World | None = None,
    independent: bool = False,
    jobs: int = 1,
) -> ValidationResult:
    """Run the event study on ``seeds`` generated countries and score it against the truth.

    ``independent`` also runs the Callaway-Sant'Anna estimator on each panel; ``jobs`` > 1 runs
    seeds in that many worker processes (results do not depend on it).
    """
    if outcome not in ("observed", "parallel"):
        raise InputError("outcome: must be observed or parallel", value=outcome)
    if design not in DESIGNS:
        raise InputError(f"design: must be one of {', '.join(DESIGNS)}", value=design)
    if seeds < 1:
        raise InputError("seeds: must be at least 1", value=seeds)
    chosen = world or WORLDS["base"]
    run: dict[str, Any] = {
        "outcome": outcome, "design": design, "window": window, "level": level,
        "unplaced": unplaced, "world": chosen, "independent": independent,
    }  # fmt: skip
    numbers = list(range(first_seed, first_seed + seeds))
    per_seed: list[dict[str, Any]] = []
    if jobs > 1 and seeds > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_one_seed, indicator, s, **run) for s in numbers]
            for n, future in enumerate(futures):
                per_seed.append(future.result())
                if progress:
                    progress(n + 1, seeds)
    else:
        for n, seed in enumerate(numbers):
            per_seed.append(_one_seed(indicator, seed, **run))
            if progress:
                progress(n + 1, seeds)
    summary = _summary(per_seed, level)
    if design == "matched":
        for key in (
            "shadow_share_of_comparators",
            "own_shadow_among_comparators",
            "shadow_share_of_pool",
        ):
            summary[key] = float(np.mean([s[key] for s in per_seed]))
    other = _summary([s["independent"] for s in per_seed], level) if independent else {}
    return ValidationResult(
        indicator, per_seed[0]["scale"], window, tuple(numbers), tuple(per_seed), summary,
        chosen.name if unplaced else "selection", design, other,
    )  # fmt: skip


def _summary(records: list[dict[str, Any]], level: float) -> dict[str, float]:
    month_errors = np.concatenate([np.asarray(s["month_errors"]) for s in records])
    month_cov = np.concatenate([np.asarray(s["month_covered"]) for s in records])
    summary = summarise_errors(records, level)
    summary["month_bias"] = float(month_errors.mean())
    summary["month_coverage"] = float(month_cov.mean())
    summary["mean_treated"] = float(np.mean([s["treated"] for s in records]))
    return summary


#: Rows of the validation table: (key, label, how to show the value).
_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("att_truth", "true average effect, months 0..end", "g"),
    ("att_mean_estimate", "mean estimate", "g"),
    ("att_bias", "bias", "g"),
    ("att_bias_mc_se", "bias: Monte Carlo standard error", "g"),
    ("att_rmse", "RMSE", "g"),
    ("att_coverage", "coverage of the interval", "pct"),
    ("att_coverage_low", "coverage: 95% interval, low", "pct"),
    ("att_coverage_high", "coverage: 95% interval, high", "pct"),
    ("mean_reported_se", "mean reported standard error", "g"),
    ("sd_of_estimates", "spread of the estimates across seeds (SD)", "g"),
    ("se_ratio", "reported SE / spread", "ratio"),
    (
        "interval_excludes_zero",
        "interval excludes zero (power; false positives if no effect)",
        "pct",
    ),
    ("mde_80_from_reported_se", "minimum detectable effect, 80% power (reported SE)", "g"),
    ("mde_80_from_spread", "minimum detectable effect, 80% power (spread)", "g"),
    ("pretrend_rejection_rate", "pre-trend test rejects at 5%", "pct"),
    ("month_bias", "bias, each month", "g"),
    ("month_coverage", "coverage, each month", "pct"),
    ("mean_treated", "treated trusts used (mean)", "ratio"),
    ("shadow_share_of_comparators", "comparators that are constructed shadows", "pct"),
    ("own_shadow_among_comparators", "treated trusts matched to their own shadow", "pct"),
    ("shadow_share_of_pool", "shadows in the comparator pool", "pct"),
)


def _shown(value: float | None, how: str) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    if how == "pct":
        return f"{value:.1%}"
    if how == "ratio":
        return f"{value:.2f}"
    return f"{value:.4f}"


def validation_rows(result: ValidationResult) -> list[dict[str, str]]:
    """The table of ``result``: one row per measure, a column per estimator, values shown in
    words and sensible decimals (``measure``, the design's name, ``callaway_santanna``)."""
    rows = []
    for key, label, how in _MEASURES:
        if key not in result.summary and key not in result.independent:
            continue
        row = {"measure": label, result.design: _shown(result.summary.get(key), how)}
        if result.independent:
            row[INDEPENDENT] = _shown(result.independent.get(key), how)
        rows.append(row)
    return rows
