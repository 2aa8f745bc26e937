"""The store's repository: reads and writes domain objects, and answers "as of" a date.

Every read that depends on time takes ``as_of`` explicitly: a rating is in force from its
publication date until superseded; a regime episode is active from its start (inclusive) to its
end (exclusive); an observation is known once its period has started.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select

from specialmeasures.domain import (
    Decision,
    IndicatorDefinition,
    Inspection,
    KeyQuestion,
    NotFoundError,
    Observation,
    Provider,
    Rating,
    Regime,
    RegimeEpisode,
)
from specialmeasures.store import audit, data_version, mapping
from specialmeasures.store.tables import (
    dataset_meta,
    decisions,
    indicators,
    inspections,
    observations,
    providers,
    ratings,
    regime_episodes,
)

__all__ = ["ProviderSummary", "RatingInForce", "Repository"]

#: Rows per INSERT batch for bulk loads: large enough to be fast, small enough for SQLite's
#: and PostgreSQL's parameter limits through SQLAlchemy's insertmanyvalues.
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class RatingInForce:
    question: KeyQuestion
    rating: Rating
    published: date
    inspection_id: int


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    """One line of the providers list as of a date."""

    provider: Provider
    overall: RatingInForce | None
    regimes: tuple[RegimeEpisode, ...]

    def regime_labels(self, *, include_confidential: bool) -> list[str]:
        return [
            e.regime.label
            for e in self.regimes
            if include_confidential or not e.regime.confidential
        ]


class Repository:
    """Reads and writes through one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: everything inside commits together or not at all.

        After a commit that appended audit rows, the audit head is checkpointed.
        """
        with audit.transaction(self.engine) as connection:
            yield connection

    # -- writes (each bumps the data version that caches of read models key on) ------------
    def add_providers(self, conn: Connection, items: Iterable[Provider]) -> int:
        data_version.bump(conn)
        return _insert_many(conn, providers, (mapping.provider_to_row(p) for p in items))

    def add_inspections(self, conn: Connection, items: Iterable[Inspection]) -> int:
        data_version.bump(conn)
        count = 0
        for inspection in items:
            result = conn.execute(insert(inspections).values(mapping.inspection_to_row(inspection)))
            inspection_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
            assert inspection_id is not None
            conn.execute(insert(ratings), mapping.rating_rows(int(inspection_id), inspection))
            count += 1
        return count

    def add_episode(self, conn: Connection, episode: RegimeEpisode) -> int:
        data_version.bump(conn)
        result = conn.execute(insert(regime_episodes).values(mapping.episode_to_row(episode)))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def add_decision(self, conn: Connection, decision: Decision) -> int:
        data_version.bump(conn)
        result = conn.execute(insert(decisions).values(mapping.decision_to_row(decision)))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def add_indicators(self, conn: Connection, items: Iterable[IndicatorDefinition]) -> int:
        data_version.bump(conn)
        return _insert_many(conn, indicators, (mapping.indicator_to_row(i) for i in items))

    def add_observation_rows(self, conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk-insert observation rows (already validated) as plain dicts."""
        data_version.bump(conn)
        return _insert_many(conn, observations, rows)

    def set_meta(self, conn: Connection, values: dict[str, str]) -> None:
        data_version.bump(conn)
        conn.execute(dataset_meta.delete().where(dataset_meta.c.key.in_(list(values))))
        conn.execute(insert(dataset_meta), [{"key": k, "value": v} for k, v in values.items()])

    # -- reads ----------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r.key: r.value for r in conn.execute(select(dataset_meta))}

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for name, table in (
                ("providers", providers),
                ("inspections", inspections),
                ("ratings", ratings),
                ("episodes", regime_episodes),
                ("decisions", decisions),
                ("indicators", indicators),
                ("observations", observations),
            ):
                out[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        return out

    def provider(self, code: str) -> Provider:
        with self.engine.connect() as conn:
            row = conn.execute(select(providers).where(providers.c.code == code)).mappings().first()
        if row is None:
            raise NotFoundError("provider", code)
        return mapping.row_to_provider(row)

    def providers(self) -> list[Provider]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(providers).order_by(providers.c.code)).mappings()
            return [mapping.row_to_provider(r) for r in rows]

    def inspections(self, code: str, *, as_of: date | None = None) -> list[Inspection]:
        """A provider's inspections, oldest first (only those published by ``as_of``)."""
        query = select(inspections).where(inspections.c.provider_code == code)
        if as_of is not None:
            query = query.where(inspections.c.publication_date <= as_of)
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    query.order_by(inspections.c.publication_date, inspections.c.id)
                ).mappings()
            )
            by_inspection: dict[int, list[Any]] = defaultdict(list)
            if rows:
                ids = [r["id"] for r in rows]
                for r in conn.execute(
                    select(ratings).where(ratings.c.inspection_id.in_(ids))
                ).mappings():
                    by_inspection[r["inspection_id"]].append(r)
        return [mapping.row_to_inspection(r, by_inspection[r["id"]]) for r in rows]

    def ratings_in_force(
        self, as_of: date, codes: Sequence[str] | None = None
    ) -> dict[str, dict[KeyQuestion, RatingInForce]]:
        """For each provider, each key question's latest rating published on or before ``as_of``."""
        latest = (
            select(
                inspections.c.provider_code,
                ratings.c.key_question,
                func.max(inspections.c.publication_date).label("published"),
            )
            .join(ratings, ratings.c.inspection_id == inspections.c.id)
            .where(inspections.c.publication_date <= as_of)
            .group_by(inspections.c.provider_code, ratings.c.key_question)
        )
        if codes is not None:
            latest = latest.where(inspections.c.provider_code.in_(list(codes)))
        sub = latest.subquery()
        query = (
            select(
                inspections.c.provider_code,
                ratings.c.key_question,
                ratings.c.rating,
                inspections.c.publication_date,
                inspections.c.id,
            )
            .join(ratings, ratings.c.inspection_id == inspections.c.id)
            .join(
                sub,
                and_(
                    sub.c.provider_code == inspections.c.provider_code,
                    sub.c.key_question == ratings.c.key_question,
                    sub.c.published == inspections.c.publication_date,
                ),
            )
            .order_by(inspections.c.id)
        )
        out: dict[str, dict[KeyQuestion, RatingInForce]] = defaultdict(dict)
        with self.engine.connect() as conn:
            for code, question, rating, published, inspection_id in conn.execute(query):
                kq = KeyQuestion(question)
                # Same-day publications: the later-recorded inspection wins (ordered by id).
                out[code][kq] = RatingInForce(kq, Rating(rating), published, inspection_id)
        return dict(out)

    def episodes(
        self, code: str | None = None, *, regime: Regime | None = None
    ) -> list[RegimeEpisode]:
        query = select(regime_episodes)
        if code is not None:
            query = query.where(regime_episodes.c.provider_code == code)
        if regime is not None:
            query = query.where(regime_episodes.c.regime == regime.value)
        query = query.order_by(
            regime_episodes.c.provider_code, regime_episodes.c.start_date, regime_episodes.c.id
        )
        with self.engine.connect() as conn:
            return [mapping.row_to_episode(r) for r in conn.execute(query).mappings()]

    def active_episodes(
        self, as_of: date, codes: Sequence[str] | None = None
    ) -> dict[str, list[RegimeEpisode]]:
        """Episodes active on ``as_of`` (started on or before it, not yet ended), by provider."""
        query = select(regime_episodes).where(
            regime_episodes.c.start_date <= as_of,
            or_(regime_episodes.c.end_date.is_(None), regime_episodes.c.end_date > as_of),
        )
        if codes is not None:
            query = query.where(regime_episodes.c.provider_code.in_(list(codes)))
        out: dict[str, list[RegimeEpisode]] = defaultdict(list)
        with self.engine.connect() as conn:
            for r in conn.execute(query.order_by(regime_episodes.c.start_date)).mappings():
                out[r["provider_code"]].append(mapping.row_to_episode(r))
        return dict(out)

    def decisions(self, code: str) -> list[Decision]:
        query = (
            select(decisions)
            .where(decisions.c.provider_code == code)
            .order_by(decisions.c.decided_at)
        )
        with self.engine.connect() as conn:
            return [mapping.row_to_decision(r) for r in conn.execute(query).mappings()]

    def indicators(self) -> list[IndicatorDefinition]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(indicators).order_by(indicators.c.category, indicators.c.id)
            ).mappings()
            return [mapping.row_to_indicator(r) for r in rows]

    def observations(
        self, code: str, indicator_id: str | None = None, *, as_of: date | None = None
    ) -> list[Observation]:
        """A provider's observations, by indicator then period (periods started by ``as_of``)."""
        query = select(observations).where(observations.c.provider_code == code)
        if indicator_id is not None:
            query = query.where(observations.c.indicator_id == indicator_id)
        if as_of is not None:
            query = query.where(observations.c.period <= as_of)
        query = query.order_by(observations.c.indicator_id, observations.c.period)
        with self.engine.connect() as conn:
            return [mapping.row_to_observation(r) for r in conn.execute(query).mappings()]

    def providers_open_on(self, day: date) -> list[Provider]:
        """Providers that existed on ``day``: opened on or before it and not closed before it
        (ODS close dates are the last day, inclusive). Providers with no known dates, such as
        the synthetic ones, are always included."""
        query = (
            select(providers)
            .where(
                or_(providers.c.open_date.is_(None), providers.c.open_date <= day),
                or_(providers.c.close_date.is_(None), providers.c.close_date >= day),
            )
            .order_by(providers.c.code)
        )
        with self.engine.connect() as conn:
            return [mapping.row_to_provider(r) for r in conn.execute(query).mappings()]

    def provider_summaries(self, as_of: date) -> list[ProviderSummary]:
        """Every provider open on ``as_of``, with its overall rating in force and its active
        regimes on that day."""
        in_force = self.ratings_in_force(as_of)
        active = self.active_episodes(as_of)
        return [
            ProviderSummary(
                provider=p,
                overall=in_force.get(p.code, {}).get(KeyQuestion.OVERALL),
                regimes=tuple(active.get(p.code, [])),
            )
            for p in self.providers_open_on(as_of)
        ]


def _insert_many(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count
