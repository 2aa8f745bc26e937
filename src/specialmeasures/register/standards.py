"""National standards of indicators as stored (``indicator_standards``), for the SPC views."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from specialmeasures.domain.standard import Standard
from specialmeasures.store import Repository
from specialmeasures.store.tables import indicator_standards

__all__ = ["standards_of"]


def standards_of(repository: Repository, indicator_ids: Iterable[str]) -> dict[str, list[Standard]]:
    """Every stored standard of these indicators, by indicator, oldest first."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return {}
    query = (
        select(indicator_standards)
        .where(indicator_standards.c.indicator_id.in_(ids))
        .order_by(indicator_standards.c.indicator_id, indicator_standards.c.valid_from)
    )
    out: dict[str, list[Standard]] = defaultdict(list)
    with repository.engine.connect() as conn:
        for row in conn.execute(query).mappings():
            out[row["indicator_id"]].append(Standard(**dict(row)))
    return dict(out)
