"""The sources of the qualitative evidence by type and organisational level: the seed's Table 2
("Summary of the workstreams"), national-level interviews and documents beside the trusts'
interviews, observations and documents, with the trusts' interviews by tier.

Counted from the store for the reader's reach: a reader whose ``evidence.read`` reaches every
provider sees both levels; a reader limited to some trusts sees those trusts' sources only (the
national workstream is not any one trust's evidence).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select

from specialmeasures.evaluation.evidence import SOURCE_TYPES, TIERS
from specialmeasures.store import Repository
from specialmeasures.store.tables import evidence_sources

__all__ = ["LEVELS", "SOURCE_COLUMNS", "source_summary"]

LEVELS = ("national", "trust")
SOURCE_COLUMNS = ("level", "source_type", "sources", "sites", *TIERS)


def source_summary(repo: Repository, scope: Collection[str] | None = None) -> dict[str, Any]:
    """Sources by level and type (one row each, zeros included) with their tiers and, at the
    trust level, how many sites they come from; kept to ``scope`` (provider codes) when given."""
    t = evidence_sources
    query = select(t.c.level, t.c.source_type, t.c.tier, t.c.provider_code, func.count()).group_by(
        t.c.level, t.c.source_type, t.c.tier, t.c.provider_code
    )
    levels: tuple[str, ...] = LEVELS
    if scope is not None:
        query = query.where(t.c.level == "trust", t.c.provider_code.in_(sorted(scope)))
        levels = ("trust",)
    counts: dict[tuple[str, str], dict[str, Any]] = {
        (level, kind): {"level": level, "source_type": kind, "sources": 0, "sites": set(),
                        **dict.fromkeys(TIERS, 0)}
        for level in levels for kind in SOURCE_TYPES
    }  # fmt: skip
    with repo.engine.connect() as conn:
        for level, kind, tier, site, n in conn.execute(query):
            row = counts.get((level, kind))
            if row is None:
                continue
            row["sources"] += int(n)
            if tier in TIERS:
                row[tier] += int(n)
            if level == "trust":
                row["sites"].add(site)
    rows = [{**r, "sites": len(r["sites"]) if r["level"] == "trust" else None}
            for r in counts.values()]  # fmt: skip
    return {
        "confidential": True,
        "scoped": scope is not None,
        "columns": list(SOURCE_COLUMNS),
        "rows": rows,
        "totals": {lvl: sum(r["sources"] for r in rows if r["level"] == lvl) for lvl in levels},
    }
