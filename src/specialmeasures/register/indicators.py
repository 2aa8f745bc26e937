"""A provider's published indicators as Making Data Count XmR charts: a summary per indicator
(variation and assurance icons, mean and process limits) and the points of one chart.

Plain JSON-ready data for the provider's indicator pages and their JSON twins. The charts are
computed here with the statistics kernel (``stats.spc``), one call per improvement direction for
all of a provider's indicators; drawing is ``reports.spc_chart``. Published indicators are
public; there is no confidential indicator in the catalogue yet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np

from specialmeasures.domain import IndicatorDefinition, NotFoundError, Observation
from specialmeasures.domain.standard import Standard, standard_in_force
from specialmeasures.register.rebasing import needs_rebasing, rebase_suggestions, snap_to_periods
from specialmeasures.register.standards import standards_of
from specialmeasures.stats import SpcOptions, SpcResult, spc
from specialmeasures.store import Repository

__all__ = [
    "ASSURANCE_LABELS",
    "POINT_LABELS",
    "VARIATION_LABELS",
    "indicator_chart",
    "indicators_view",
    "provider_indicators",
]

#: Plain words for the Making Data Count icons and point types (NHSRplotthedots names).
VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement (higher)",
    "improvement_low": "Special cause variation: improvement (lower)",
    "concern_high": "Special cause variation: concern (higher)",
    "concern_low": "Special cause variation: concern (lower)",
    "neutral_high": "Special cause variation: neither improvement nor concern (higher)",
    "neutral_low": "Special cause variation: neither improvement nor concern (lower)",
}
ASSURANCE_LABELS = {
    "pass": "The process will consistently hit the target",
    "fail": "The process will consistently miss the target",
    "inconsistent": "The process will not consistently hit or miss the target",
    None: "No target: no assurance",
}
POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neutral (high)",
    "special_cause_neutral_low": "Special cause: neutral (low)",
}


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 6)


#: A gap of more than this many months between observations starts a new chart segment (a
#: rebase): published series can stop for years (the A&E statistics of 2016-2019 and 2024-2025),
#: and a moving range across such a gap measures nothing.
REBASE_AFTER_GAP_MONTHS = 12


def _after_gaps(
    series: dict[str, list[Observation]], members: list[IndicatorDefinition]
) -> dict[str, list[date]]:
    """Per indicator, the first period after each gap longer than REBASE_AFTER_GAP_MONTHS."""
    out: dict[str, list[date]] = {}
    for d in members:
        periods = [o.period for o in series[d.id]]
        starts = [
            b
            for a, b in pairwise(periods)
            if (b.year - a.year) * 12 + b.month - a.month > REBASE_AFTER_GAP_MONTHS
        ]
        if starts:
            out[d.id] = starts
    return out


def _charts(
    definitions: list[IndicatorDefinition],
    series: dict[str, list[Observation]],
    standards: dict[str, list[Standard]] | None = None,
    extra_rebase: dict[str, list[date]] | None = None,
) -> dict[str, tuple[SpcResult, IndicatorDefinition, Standard | None]]:
    """XmR charts of every indicator with data, one kernel call per improvement direction (and
    per "has a national standard or not", so an indicator without one keeps "no target").

    An indicator with national standards is assured against the standard in force at its
    latest month (``domain.standard.standard_in_force``).
    """
    by_group: dict[tuple[str, bool], list[tuple[IndicatorDefinition, Standard | None]]]
    by_group = defaultdict(list)
    for d in definitions:
        if series.get(d.id):
            latest = series[d.id][-1].period
            standard = standard_in_force((standards or {}).get(d.id, []), latest)
            by_group[(d.polarity.value, standard is not None)].append((d, standard))
    out: dict[str, tuple[SpcResult, IndicatorDefinition, Standard | None]] = {}
    for (direction, targeted), members in by_group.items():
        obs = [o for d, _ in members for o in series[d.id]]
        targets = {d.id: s.threshold for d, s in members if s is not None} if targeted else None
        rebase = _after_gaps(series, [d for d, _ in members])
        for key, days in (extra_rebase or {}).items():
            if key in {d.id for d, _ in members}:
                rebase[key] = sorted(set(rebase.get(key, [])) | set(days))
        result = spc(
            [o.value for o in obs],
            [o.period for o in obs],
            facets=[o.indicator_id for o in obs],
            rebase=rebase or None,
            target=targets,
            options=SpcOptions(improvement_direction=direction),  # type: ignore[arg-type]
        )
        for d, standard in members:
            out[d.id] = (result, d, standard)
    return out


def _standard_document(standard: Standard | None) -> dict[str, Any] | None:
    if standard is None:
        return None
    return {
        "kind": standard.kind,
        "threshold": standard.threshold,
        "name": standard.name,
        "valid_from": standard.valid_from.isoformat(),
        "valid_to": None if standard.valid_to is None else standard.valid_to.isoformat(),
        "source": standard.source,
        "source_url": standard.source_url,
    }


def _summary(
    result: SpcResult, d: IndicatorDefinition, standard: Standard | None = None
) -> dict[str, Any]:
    rows = [r for r in result.summary().rows() if r["facet"] == d.id]
    last = rows[-1]
    variation, assurance = result.icons()[d.id]
    mask = result.facet == d.id
    dates = result.date[mask]
    values = result.value[mask]
    return {
        "id": d.id,
        "name": d.name,
        "unit": d.unit,
        "category": d.category.value,
        "category_label": d.category.label,
        "improvement_direction": d.polarity.value,
        "description": d.description,
        "confidential": False,
        "n": int(mask.sum()),
        "first_period": str(dates[0]),
        "latest_period": str(dates[-1]),
        "latest_value": _num(values[-1]),
        "mean": _num(last["mean"]),
        "lower_process_limit": _num(last["lpl"]),
        "upper_process_limit": _num(last["upl"]),
        "special_cause_improvement": sum(r["special_cause_improvement"] for r in rows),
        "special_cause_concern": sum(r["special_cause_concern"] for r in rows),
        "variation_icon": variation,
        "variation_label": VARIATION_LABELS.get(variation, variation),
        "assurance_icon": assurance,
        "assurance_label": ASSURANCE_LABELS.get(assurance, str(assurance)),
        "target": None if standard is None else standard.threshold,
        "standard": _standard_document(standard),
        "warnings": last["warnings"],
    }


def _load(
    repository: Repository, code: str, as_of: date, indicator_id: str | None = None
) -> tuple[list[IndicatorDefinition], dict[str, list[Observation]]]:
    repository.provider(code)  # NotFoundError for an unknown provider
    definitions = repository.indicators()
    if indicator_id is not None:
        definitions = [d for d in definitions if d.id == indicator_id]
        if not definitions:
            raise NotFoundError("indicator", indicator_id)
    series: dict[str, list[Observation]] = defaultdict(list)
    for o in repository.observations(code, indicator_id, as_of=as_of):
        series[o.indicator_id].append(o)
    return definitions, series


def provider_indicators(repository: Repository, code: str, as_of: date) -> list[dict[str, Any]]:
    """One summary per indicator the provider has data for on ``as_of``, by category then id."""
    definitions, series = _load(repository, code, as_of)
    charts = _charts(definitions, series, standards_of(repository, series))
    return [_summary(*charts[d.id]) for d in definitions if d.id in charts]


def indicator_chart(
    repository: Repository,
    code: str,
    indicator_id: str,
    as_of: date,
    rebase_on: Sequence[date] = (),
) -> dict[str, Any]:
    """The XmR chart of one indicator of one provider: its summary and every point.

    ``rebase_on``: dates to recalculate the limits at (each moved to the first period on or
    after it, ``register.rebasing``), beside the automatic rebase after a long gap. The result's
    ``rebase`` says which were applied, the known changes one could rebase at, and whether the
    latest baseline is long and mostly special cause (``advised``).

    Raises NotFoundError for an unknown provider or indicator, or no data by ``as_of``.
    """
    definitions, series = _load(repository, code, as_of, indicator_id)
    periods = [o.period for o in series.get(indicator_id, [])]
    applied = snap_to_periods(rebase_on, periods)
    standards = standards_of(repository, series)
    charts = _charts(definitions, series, standards, {indicator_id: applied} if applied else None)
    if indicator_id not in charts:
        raise NotFoundError(f"series of {code} by {as_of}", indicator_id)
    result, d, standard = charts[indicator_id]
    mask = np.flatnonzero(result.facet == indicator_id)
    # Each per-point column taken once (the result's per-point properties build whole arrays).
    dates, values = result.date[mask], result.value[mask]
    means, lpls, upls = result.mean[mask], result.lpl[mask], result.upl[mask]
    kinds, flagged = result.point_type[mask], result.special_cause_flag[mask]
    points = []
    for k in range(mask.size):
        kind = str(kinds[k])
        points.append(
            {
                "period": str(dates[k]),
                "value": _num(values[k]),
                "mean": _num(means[k]),
                "lower_process_limit": _num(lpls[k]),
                "upper_process_limit": _num(upls[k]),
                "point_type": kind,
                "point_label": POINT_LABELS.get(kind, kind),
                "special_cause": bool(flagged[k]),
            }
        )
    summary = _summary(result, d, standard)
    groups = [r for r in result.summary().rows() if r["facet"] == indicator_id]
    latest = groups[-1]
    special = int(latest["special_cause_improvement"]) + int(latest["special_cause_concern"])
    # Public regimes only: the suggestions are shown to everyone who may read the indicator.
    events = []
    for e in repository.episodes(code):
        if e.regime.confidential:
            continue
        events.append((e.start, f"Entered {e.regime.label}"))
        if e.end is not None:
            events.append((e.end, f"Left {e.regime.label}"))
    rebase = {
        "applied": [p.isoformat() for p in applied],
        "requested": [p.isoformat() for p in rebase_on],
        "suggested": rebase_suggestions(events, standards.get(indicator_id, []), periods),
        "baselines": len(groups),
        "latest_baseline_points": int(latest["n"]),
        "latest_baseline_special_cause": special,
        "advised": needs_rebasing(int(latest["n"]), special),
    }
    return {"indicator": summary, "points": points, "rebase": rebase}


def indicators_view(
    repository: Repository, code: str, as_of: date, *, include_confidential: bool
) -> dict[str, Any]:
    """The provider's indicator page: who, where they stand, and every indicator's summary.

    ``regime_status`` lists the regimes active on ``as_of``; the confidential Challenged
    Provider list only with ``include_confidential``.
    """
    p = repository.provider(code)
    active = repository.active_episodes(as_of, [code]).get(code, [])
    return {
        "provider": {"code": p.code, "name": p.name, "system": p.system, "synthetic": p.synthetic},
        "as_of": as_of.isoformat(),
        "confidential": include_confidential,
        "regime_status": [
            e.regime.label for e in active if include_confidential or not e.regime.confidential
        ],
        "indicators": provider_indicators(repository, code, as_of),
    }
