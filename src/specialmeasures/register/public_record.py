"""What the register knows from the public record and the ODS register about a provider: which
of its episodes come from the public SMQ record (and how precise their dates are), and which
trusts took over from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select

from specialmeasures.store import Repository
from specialmeasures.store.tables import provider_successors, public_record_episodes

__all__ = ["public_record_marks", "successions"]


def public_record_marks(repo: Repository, episode_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Episode id -> how the public record dates it, for the episodes that come from it."""
    ids = [i for i in episode_ids if i is not None]
    if not ids:
        return {}
    query = select(public_record_episodes).where(public_record_episodes.c.episode_id.in_(ids))
    with repo.engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
    return {
        r["episode_id"]: {
            "trust_name": r["trust_name"],
            "start_published": r["start_published"],
            "start_precision": r["start_precision"],
            "start_latest": r["start_latest"].isoformat(),
            "end_published": r["end_published"],
            "end_precision": r["end_precision"],
            "end_basis": r["end_basis"],
            "source_url": r["source_url"],
        }
        for r in rows
    }


def successions(repo: Repository, code: str) -> list[dict[str, Any]]:
    """Mergers the provider took part in, as predecessor or successor, oldest first."""
    query = (
        select(provider_successors)
        .where(
            or_(
                provider_successors.c.predecessor_code == code,
                provider_successors.c.successor_code == code,
            )
        )
        .order_by(provider_successors.c.effective_date, provider_successors.c.predecessor_code)
    )
    with repo.engine.connect() as conn:
        return [
            {
                "predecessor": r["predecessor_code"],
                "successor": r["successor_code"],
                "effective_date": r["effective_date"].isoformat(),
                "kind": r["kind"],
                "verified_from": r["verified_from"],
            }
            for r in conn.execute(query).mappings()
        ]
