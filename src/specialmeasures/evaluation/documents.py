"""Evaluation results as documents for the web pages and their JSON and CSV twins.

Thin services over the evaluation toolkit: the purposive sample (the seed's Table 1), the event
study of SMQ entry or exit on an indicator (cached in process per parameters, since an estimate
over every trust takes seconds and pyfixest, for ``did``, is slow to import), sustainability
after exit, the balancing measures, the cost-consequence table and the framework matrix of
qualitative evidence. All of them rest on the CP list or on qualitative evidence, which are
confidential: every document says so.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from specialmeasures.domain import InputError
from specialmeasures.evaluation.cost_views import GROUP_ORDER, regime_costs
from specialmeasures.evaluation.costs import CostTable
from specialmeasures.evaluation.evidence import SOURCE_TYPES
from specialmeasures.evaluation.evidence import framework_matrix as _framework_matrix
from specialmeasures.evaluation.evidence_store import load_codes, load_records
from specialmeasures.evaluation.history import load_histories
from specialmeasures.evaluation.reading import read_estimate
from specialmeasures.evaluation.sustainability import exits, reentry_curves
from specialmeasures.evaluation.thresholds import load_thresholds
from specialmeasures.evaluation.views import SAMPLE_COLUMNS, sample_sites
from specialmeasures.store import Repository
from specialmeasures.store.versioned import VersionedCache

__all__ = [
    "ES_COLUMNS",
    "IMPACT_DESIGNS",
    "ImpactCache",
    "balancing_document",
    "balancing_rows",
    "cost_rows",
    "costs_document",
    "evidence_document",
    "sample_document",
    "sustainability_document",
]

ES_COLUMNS = ("k", "estimate", "se", "ci_low", "ci_high", "n_treated")
IMPACT_DESIGNS = ("matched", "did")


def sample_document(
    repo: Repository,
    as_of: date,
    *,
    seed: int,
    declined: Collection[str] = (),
    per_group: int | None = None,
) -> dict[str, Any]:
    """The purposive sample of case-study sites (the seed's Table 1) with every approach."""
    result = sample_sites(repo, as_of, seed=seed, declined=declined, per_group=per_group)
    return {
        "confidential": True,
        "as_of": as_of.isoformat(),
        "seed": result.seed,
        "per_group": result.per_group,
        "declined": sorted({c.upper() for c in declined}),
        "counts": result.counts(),
        "columns": [*SAMPLE_COLUMNS[:7], "name", *SAMPLE_COLUMNS[7:]],
        "sample": [a.row() for a in result.included],
        "approaches": [a.row() for a in result.approaches],
        "shortfall": [{"group": g, "missing": n} for g, n in result.shortfall],
    }


class ImpactCache:
    """Event-study documents per parameters, reused until the data changes
    (``store.versioned``: any import, decision or change makes a fresh estimate); computed by one
    worker and shared with the others through the database (``store.read_models``).

    ``recent`` names the parameters last asked for (up to ``remember``), newest last: the
    served app computes those again after a change to the data, before anyone asks
    (``web.precompute``)."""

    def __init__(self, size: int = 32, *, remember: int = 4) -> None:
        self._cache = VersionedCache(size=size)
        self.remember = remember
        self._recent: dict[tuple[str, str, str, float], None] = {}

    def recent(self) -> list[tuple[str, str, str, float]]:
        """(indicator, event, design, level) of the estimates asked for lately, oldest first."""
        return list(self._recent)

    def clear(self) -> None:
        self._cache.clear()

    def document(
        self,
        repo: Repository,
        indicator: str,
        *,
        event: str = "entry",
        design: str = "matched",
        level: float = 0.95,
    ) -> dict[str, Any]:
        """The event study of SMQ ``event`` on ``indicator`` over the policy's window."""
        if design not in IMPACT_DESIGNS:
            raise InputError(f"design: must be one of {', '.join(IMPACT_DESIGNS)}", value=design)
        window = load_thresholds().event_window
        key = ("impact", indicator, event, design, window, level)
        document = self._cache.get(
            repo, key, lambda: _estimate(repo, indicator, event, design, window, level)
        )
        asked = (indicator, event, design, level)  # only parameters that gave an estimate
        self._recent.pop(asked, None)
        self._recent[asked] = None
        while len(self._recent) > self.remember:
            self._recent.pop(next(iter(self._recent)), None)
        return document


def _estimate(
    repo: Repository,
    indicator: str,
    event: str,
    design: str,
    window: tuple[int, int],
    level: float,
) -> dict[str, Any]:
    # Imported here: the estimators pull in numpy-heavy code, and did2s pulls in pyfixest.
    from specialmeasures.evaluation.panel import panel_from_store

    panel = panel_from_store(repo, indicator, event, composite=design == "matched")
    if design == "matched":
        from specialmeasures.evaluation.matched import matched_event_study

        result = matched_event_study(panel, window, level=level)
    else:
        from specialmeasures.evaluation.impact import event_study

        result = event_study(panel, window, level=level)
    document: dict[str, Any] = {**result.document(), "design": design, "confidential": True}
    independent = None
    if design == "matched":
        from specialmeasures.evaluation.callaway import callaway_santanna

        try:
            other = callaway_santanna(panel, window, level=level)
        except InputError:
            other = None
        if other is not None:
            independent = {"estimator": other.estimator, "att": other.att,
                           "pretrend": other.pretrend, "notes": list(other.notes)}  # fmt: skip
    document["independent"] = independent
    document["reading"] = read_estimate(
        result.att, level, result.pretrend.get("p_value"), independent
    )
    return document


def sustainability_document(repo: Repository, as_of: date) -> dict[str, Any]:
    """Every first SMQ exit by ``as_of`` and the re-entry-free survival curves."""
    rows = exits(load_histories(repo), as_of, load_thresholds())
    return {
        "confidential": True,
        "as_of": as_of.isoformat(),
        "exits": rows,
        "curves": reentry_curves(rows),
    }


def evidence_document(repo: Repository, scope: Collection[str] | None = None) -> dict[str, Any]:
    """The framework matrix (sites x codes) of the qualitative evidence, kept to ``scope``
    (sites are provider codes) when given."""
    codes = load_codes(repo)
    sites = sorted({c.upper() for c in scope}) if scope is not None else None
    records = load_records(repo, sites) if sites is None or sites else []
    cells = _framework_matrix(records, codes)
    return {
        "confidential": True,
        "source_types": list(SOURCE_TYPES),
        "codes": [
            {"code": c.code, "family": c.family, "label": c.label, "description": c.description}
            for c in codes
        ],
        "columns": ["site", *(c.code for c in codes)],
        "rows": [
            {"site": site, **{c.code: row[c.code].text() for c in codes}}
            for site, row in cells.items()
        ],
        "cells": [cell.row() for row in cells.values() for cell in row.values() if cell.sources],
        "records": len(records),
    }


def balancing_rows(repo: Repository, months: int) -> list[dict[str, Any]]:
    """The balancing measures beside the intended ones: one row per indicator with data."""
    from specialmeasures.evaluation.balancing import balancing_row, roles
    from specialmeasures.evaluation.panel import panels_from_store

    t = load_thresholds()
    measures = roles(t.balancing_indicators, repo.indicators())
    # One query for every measure's observations, not one per measure.
    panels = panels_from_store(repo, [definition.id for definition, _ in measures])
    return [
        balancing_row(panels[definition.id], definition, months, role)
        for definition, role in measures
        if definition.id in panels  # an indicator with no observations: nothing to compare
    ]


def balancing_document(repo: Repository, months: int | None = None) -> dict[str, Any]:
    """The balancing measures (unintended consequences) before and after first SMQ entry."""
    span = months or load_thresholds().balancing_months
    return {"confidential": True, "months": span, "rows": balancing_rows(repo, span)}


def cost_rows(table: CostTable, by: str) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The cost-consequence table's rows and columns, one row per trust or per trajectory group
    (then all)."""
    if by == "group":
        return table.group_rows(GROUP_ORDER), table.group_columns()
    if by == "trust":
        return table.trust_rows(), table.trust_columns()
    raise InputError("by: must be group or trust", value=by)


def costs_document(repo: Repository, as_of: date, by: str = "group") -> dict[str, Any]:
    """The cost-consequence table by trajectory group (and all) or by trust, with the rates."""
    table = regime_costs(repo, as_of)
    rows, columns = cost_rows(table, by)
    return {
        "confidential": True,
        "as_of": as_of.isoformat(),
        "by": by,
        "columns": list(columns),
        "rows": rows,
        "rates": table.rates.row(),
    }
