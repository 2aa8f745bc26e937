"""Leadership posts and holders: record terms, summarise tenure, vacancy, turnover, stability."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select, update

from specialmeasures.domain import InputError, NotFoundError
from specialmeasures.domain.leadership import (
    LeadershipTerm,
    Post,
    PostSummary,
    Stability,
    check_no_overlap,
    post_summary,
    stability,
)
from specialmeasures.interventions._common import Actor, check_provider, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import leadership_terms

__all__ = ["add_term", "end_term", "leadership_summary", "terms"]


def terms_in(conn: Connection, code: str | None = None) -> list[LeadershipTerm]:
    query = select(leadership_terms).order_by(leadership_terms.c.start_date, leadership_terms.c.id)
    if code is not None:
        query = query.where(leadership_terms.c.provider_code == code)
    return [
        LeadershipTerm(
            r["provider_code"],
            Post(r["post"]),
            r["holder"],
            r["start_date"],
            r["end_date"],
            bool(r["interim"]),
            bool(r["previous_smq_experience"]),
            r["id"],
        )
        for r in conn.execute(query).mappings()
    ]


def terms(repository: Repository, code: str | None = None) -> list[LeadershipTerm]:
    with repository.engine.connect() as conn:
        return terms_in(conn, code)


def add_term_in(conn: Connection, term: LeadershipTerm, who: Actor) -> int:
    check_provider(conn, term.provider_code)
    check_no_overlap(term, terms_in(conn, term.provider_code))
    key = conn.execute(
        insert(leadership_terms).values(
            provider_code=term.provider_code,
            post=term.post.value,
            holder=term.holder,
            start_date=term.start,
            end_date=term.end,
            interim=term.interim,
            previous_smq_experience=term.previous_smq_experience,
        )
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "leader.appointed", "provider", term.provider_code, {
        "term_id": int(key[0]), "post": term.post, "holder": term.holder, "start": term.start,
        "end": term.end, "interim": term.interim,
        "previous_smq_experience": term.previous_smq_experience,
    })  # fmt: skip
    return int(key[0])


def add_term(repository: Repository, term: LeadershipTerm, who: Actor) -> int:
    """Record a post holder (audited); a post has one holder at a time."""
    with repository.transaction() as conn:
        return add_term_in(conn, term, who)


def end_term(repository: Repository, term_id: int, *, end: date, who: Actor) -> None:
    """Record that a holder left the post on ``end`` (audited)."""
    with repository.transaction() as conn:
        found = [t for t in terms_in(conn) if t.id == term_id]
        if not found:
            raise NotFoundError("leadership term", term_id)
        term = found[0]
        if term.end is not None:
            raise InputError(f"term {term_id} already ended on {term.end}")
        if end < term.start:
            raise InputError(f"the end ({end}) is before the start ({term.start})", column="--end")
        conn.execute(
            update(leadership_terms).where(leadership_terms.c.id == term_id).values(end_date=end)
        )
        record(conn, who, "leader.left", "provider", term.provider_code, {
            "term_id": term_id, "post": term.post, "holder": term.holder, "end": end,
        })  # fmt: skip


def leadership_summary(
    repository: Repository, code: str, as_of: date
) -> tuple[list[PostSummary], Stability]:
    """Each post's summary on ``as_of`` and the triumvirate's stability."""
    repository.provider(code)
    held = terms(repository, code)
    return [post_summary(held, p, as_of) for p in Post], stability(held, as_of)
