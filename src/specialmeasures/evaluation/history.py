"""Each trust's regime history as the evaluation reads it: provider, episodes and inspections.

``load_histories`` reads them from the store in three queries (not one per trust); the rest of
the evaluation works on these plain objects and never touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from specialmeasures.domain import (
    Inspection,
    KeyQuestion,
    NotFoundError,
    Provider,
    Rating,
    Regime,
    RegimeEpisode,
)
from specialmeasures.store import Repository
from specialmeasures.store.tables import inspections, ratings

__all__ = ["TrustHistory", "histories_from_country", "load_histories"]


@dataclass(frozen=True, slots=True)
class TrustHistory:
    """One trust's provider record, regime episodes (oldest first) and inspections (by
    publication date)."""

    provider: Provider
    episodes: tuple[RegimeEpisode, ...]
    inspections: tuple[Inspection, ...]

    @property
    def code(self) -> str:
        return self.provider.code

    def episodes_of(self, regime: Regime, as_of: date) -> list[RegimeEpisode]:
        """Episodes of ``regime`` begun by ``as_of``, with ends after ``as_of`` cut off."""
        return [e for e in self.episodes if e.regime is regime and e.start <= as_of]

    def rating_on(self, question: KeyQuestion, day: date) -> Rating | None:
        """The rating of ``question`` in force on ``day`` (latest published on or before)."""
        found = None
        for inspection in self.inspections:
            if inspection.publication_date > day:
                break
            found = inspection.rating(question) or found
        return found


def load_histories(repo: Repository, codes: Sequence[str] | None = None) -> list[TrustHistory]:
    """Histories of ``codes`` (every provider when None), in code order."""
    providers = repo.providers()
    if codes is not None:
        known = {p.code for p in providers}
        for code in codes:
            if code not in known:
                raise NotFoundError("provider", code)
        wanted = set(codes)
        providers = [p for p in providers if p.code in wanted]
    episodes: dict[str, list[RegimeEpisode]] = defaultdict(list)
    for episode in repo.episodes():
        episodes[episode.provider_code].append(episode)
    by_id: dict[int, dict[KeyQuestion, Rating]] = defaultdict(dict)
    heads: list[tuple[int, str, date, date, str]] = []
    with repo.engine.connect() as conn:
        for row in conn.execute(
            select(
                inspections.c.id,
                inspections.c.provider_code,
                inspections.c.inspection_date,
                inspections.c.publication_date,
                inspections.c.source,
            ).order_by(inspections.c.publication_date, inspections.c.id)
        ):
            heads.append((row[0], row[1], row[2], row[3], row[4]))
        for inspection_id, question, rating in conn.execute(
            select(ratings.c.inspection_id, ratings.c.key_question, ratings.c.rating)
        ):
            by_id[inspection_id][KeyQuestion(question)] = Rating(rating)
    found: dict[str, list[Inspection]] = defaultdict(list)
    for inspection_id, code, inspected, published, source in heads:
        if by_id.get(inspection_id):
            found[code].append(
                Inspection(code, inspected, published, by_id[inspection_id], source, inspection_id)
            )
    return [
        TrustHistory(
            p,
            tuple(sorted(episodes.get(p.code, []), key=lambda e: e.start)),
            tuple(found.get(p.code, [])),
        )
        for p in providers
    ]


def histories_from_country(
    providers: Sequence[Provider],
    episodes: Sequence[RegimeEpisode],
    inspection_list: Sequence[Inspection],
) -> list[TrustHistory]:
    """Histories straight from domain objects (a generated country), without a database."""
    by_code_e: dict[str, list[RegimeEpisode]] = defaultdict(list)
    by_code_i: dict[str, list[Inspection]] = defaultdict(list)
    for e in episodes:
        by_code_e[e.provider_code].append(e)
    for i in inspection_list:
        by_code_i[i.provider_code].append(i)
    return [
        TrustHistory(
            p,
            tuple(sorted(by_code_e[p.code], key=lambda e: e.start)),
            tuple(sorted(by_code_i[p.code], key=lambda i: i.publication_date)),
        )
        for p in sorted(providers, key=lambda p: p.code)
    ]
