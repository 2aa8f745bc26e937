"""Persistence for the regime life cycle: lifecycle decisions, judgements, whole-history loads.

Writes take the caller's ``Connection`` so that a decision, its episode change and its audit row
commit together (``Repository.transaction``). ``load_histories`` reads every provider's
inspections, episodes and judgements in a handful of queries, for backtests over many months.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from specialmeasures.domain import (
    Inspection,
    Judgement,
    Regime,
    RegimeEpisode,
)
from specialmeasures.domain.lifecycle import LifecycleEvent
from specialmeasures.store import mapping
from specialmeasures.store.tables import (
    decisions,
    inspections,
    judgements,
    ratings,
    regime_episodes,
)

__all__ = [
    "ProviderHistory",
    "add_judgement",
    "episodes_of",
    "insert_decision",
    "insert_episode",
    "judgements_of",
    "lifecycle_events",
    "load_histories",
    "update_episode",
]


@dataclass(slots=True)
class ProviderHistory:
    """One provider's whole observed history: what ``build_facts`` needs, for any date."""

    provider_code: str
    inspections: list[Inspection] = field(default_factory=list)
    episodes: list[RegimeEpisode] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)


def episodes_of(conn: Connection, code: str) -> list[RegimeEpisode]:
    query = (
        select(regime_episodes)
        .where(regime_episodes.c.provider_code == code)
        .order_by(regime_episodes.c.start_date, regime_episodes.c.id)
    )
    return [mapping.row_to_episode(r) for r in conn.execute(query).mappings()]


def lifecycle_events(conn: Connection, code: str) -> list[LifecycleEvent]:
    """The provider's decisions that moved a regime life cycle, oldest first."""
    query = (
        select(decisions.c.regime, decisions.c.transition, decisions.c.decided_at)
        .where(decisions.c.provider_code == code, decisions.c.transition.is_not(None))
        .order_by(decisions.c.decided_at, decisions.c.id)
    )
    return [
        LifecycleEvent(code, Regime(r.regime), r.transition, _as_date(r.decided_at))
        for r in conn.execute(query)
    ]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def insert_episode(conn: Connection, episode: RegimeEpisode) -> int:
    result = conn.execute(insert(regime_episodes).values(mapping.episode_to_row(episode)))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def update_episode(conn: Connection, episode: RegimeEpisode) -> None:
    """Write an open episode's new state (and end, on exit)."""
    assert episode.id is not None
    conn.execute(
        update(regime_episodes)
        .where(regime_episodes.c.id == episode.id)
        .values(state=episode.state.value, end_date=episode.end)
    )


def insert_decision(conn: Connection, row: dict[str, Any]) -> int:
    result = conn.execute(insert(decisions).values(row))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def add_judgement(
    conn: Connection, judgement: Judgement, *, role: str, recorded_at: datetime
) -> int:
    result = conn.execute(
        insert(judgements).values(
            provider_code=judgement.provider_code,
            name=judgement.name,
            value=json.dumps(judgement.value),
            entered_by=judgement.entered_by,
            role=role,
            entered_on=judgement.entered_on,
            rationale=judgement.rationale,
            recorded_at=recorded_at.replace(microsecond=0, tzinfo=None),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _row_to_judgement(row: Any) -> Judgement:
    return Judgement(
        provider_code=row.provider_code,
        name=row.name,
        value=json.loads(row.value),
        entered_by=row.entered_by,
        entered_on=row.entered_on,
        rationale=row.rationale,
        id=row.id,
    )


def judgements_of(conn: Connection, code: str, *, as_of: date | None = None) -> list[Judgement]:
    """A provider's judgements in the order entered (only those in effect by ``as_of``)."""
    query = select(judgements).where(judgements.c.provider_code == code)
    if as_of is not None:
        query = query.where(judgements.c.entered_on <= as_of)
    query = query.order_by(judgements.c.entered_on, judgements.c.id)
    return [_row_to_judgement(r) for r in conn.execute(query)]


def load_histories(
    conn: Connection, codes: Sequence[str] | None = None
) -> dict[str, ProviderHistory]:
    """Every provider's inspections, episodes and judgements, in four queries."""
    out: dict[str, ProviderHistory] = {}

    def history(code: str) -> ProviderHistory:
        found = out.get(code)
        if found is None:
            found = out[code] = ProviderHistory(code)
        return found

    wanted = list(codes) if codes is not None else None
    query = select(inspections).order_by(inspections.c.publication_date, inspections.c.id)
    rating_query = select(ratings)
    if wanted is not None:
        query = query.where(inspections.c.provider_code.in_(wanted))
        rating_query = rating_query.join(
            inspections, ratings.c.inspection_id == inspections.c.id
        ).where(inspections.c.provider_code.in_(wanted))
    by_inspection: dict[int, list[Any]] = defaultdict(list)
    for r in conn.execute(rating_query).mappings():
        by_inspection[r["inspection_id"]].append(r)
    for r in conn.execute(query).mappings():
        history(r["provider_code"]).inspections.append(
            mapping.row_to_inspection(r, by_inspection[r["id"]])
        )
    episode_query = select(regime_episodes).order_by(
        regime_episodes.c.start_date, regime_episodes.c.id
    )
    judgement_query = select(judgements).order_by(judgements.c.entered_on, judgements.c.id)
    if wanted is not None:
        episode_query = episode_query.where(regime_episodes.c.provider_code.in_(wanted))
        judgement_query = judgement_query.where(judgements.c.provider_code.in_(wanted))
    for r in conn.execute(episode_query).mappings():
        history(r["provider_code"]).episodes.append(mapping.row_to_episode(r))
    for j in conn.execute(judgement_query):
        history(j.provider_code).judgements.append(_row_to_judgement(j))
    return out
