"""Balancing measures: workforce and culture indicators before and after SMQ entry, beside the
intended (quality) ones.

The seed paper found stigma and low morale on entry, worse recruitment and retention, duplicate
reporting and overwhelming workloads. For each indicator, each trust's mean in the
``balancing_months`` after its first SMQ entry (months 0..n-1) is compared with its mean in the
n months before (-n..-1); the same calendar windows are averaged over never-treated trusts as a
comparator, so the table shows the change, the comparator's change and their difference. The
direction ("better"/"worse") follows the indicator's polarity. Descriptive, not causal: entry
follows a deterioration (see docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from specialmeasures.domain import IndicatorDefinition, Polarity
from specialmeasures.evaluation.panel import Panel

__all__ = ["BALANCING_COLUMNS", "balancing_row"]

BALANCING_COLUMNS = ("category", "indicator", "name", "role", "trusts", "before", "after",
                     "change", "comparator_change", "difference", "direction")  # fmt: skip


def balancing_row(
    panel: Panel, definition: IndicatorDefinition, months: int, role: str
) -> dict[str, Any]:
    """One indicator's before/after comparison around first SMQ entry."""
    import pandas as pd  # type: ignore[import-untyped]

    d = panel.frame
    never = d[d["g"] < 0].groupby("t")["y"].mean()
    treated = d[d["g"] >= 0]
    before: list[float] = []
    after: list[float] = []
    comp: list[float] = []
    # The panel's frame is sorted by unit and month, so each treated trust is one run of rows:
    # walk the runs as arrays (the same values, summed in the same order, as one data frame
    # per trust would give). The comparator's change depends on the entry month only.
    units = treated["unit"].to_numpy()
    y = treated["y"].to_numpy(dtype=np.float64)
    rel = treated["rel"].to_numpy(dtype=np.float64)
    entry = treated["g"].to_numpy()
    starts: list[int] = []
    if units.size:
        starts = [int(i) for i in np.flatnonzero(np.r_[True, units[1:] != units[:-1]])]
    ends = [*starts[1:], int(units.size)] if starts else []
    comparator_by_entry: dict[int, float] = {}
    for lo, hi in zip(starts, ends, strict=True):
        g = int(entry[lo])
        r, v = rel[lo:hi], y[lo:hi]
        pre = v[(r >= -months) & (r < 0)]
        post = v[(r >= 0) & (r < months)]
        if not pre.size or not post.size:
            continue
        before.append(float(pre.mean()))
        after.append(float(post.mean()))
        if g not in comparator_by_entry:
            c_pre = never.reindex(range(g - months, g)).mean()
            c_post = never.reindex(range(g, g + months)).mean()
            ok = pd.notna(c_pre) and pd.notna(c_post)
            comparator_by_entry[g] = float(c_post - c_pre) if ok else np.nan
        comp.append(comparator_by_entry[g])
    change = float(np.mean(after) - np.mean(before)) if before else None
    comparator = float(np.nanmean(comp)) if comp and not np.all(np.isnan(comp)) else None
    difference = change - comparator if change is not None and comparator is not None else None
    return {
        "category": definition.category.value,
        "indicator": definition.id,
        "name": definition.name,
        "role": role,
        "trusts": len(before),
        "before": _round(np.mean(before) if before else None),
        "after": _round(np.mean(after) if after else None),
        "change": _round(change),
        "comparator_change": _round(comparator),
        "difference": _round(difference),
        "direction": _direction(difference, definition.polarity),
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 5)


def _direction(value: float | None, polarity: Polarity) -> str:
    if value is None or abs(value) < 1e-12 or polarity is Polarity.NEUTRAL:
        return ""
    better = value > 0 if polarity is Polarity.HIGHER_IS_BETTER else value < 0
    return "better" if better else "worse"


def roles(
    balancing: Sequence[str], definitions: Sequence[IndicatorDefinition]
) -> list[tuple[IndicatorDefinition, str]]:
    """Balancing indicators first (role "balancing"), then the quality ones ("intended")."""
    chosen = [(d, "balancing") for d in definitions if d.id in balancing]
    chosen += [(d, "intended") for d in definitions
               if d.id not in balancing and d.category.value == "quality"]  # fmt: skip
    return chosen
