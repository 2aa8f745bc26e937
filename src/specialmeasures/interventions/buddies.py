"""Buddying: suggest buddy providers for a trust and a scope, and record arrangements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, insert, select

from specialmeasures.domain import InputError, Inspection, KeyQuestion, Rating, Regime
from specialmeasures.domain.buddying import (
    BuddyArrangement,
    BuddyCandidate,
    BuddyScope,
    rank_buddies,
)
from specialmeasures.interventions._common import Actor, check_provider, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import buddy_arrangements

__all__ = ["arrangements", "record_arrangement", "suggest_buddies"]


def arrangements_in(conn: Connection) -> list[BuddyArrangement]:
    rows = conn.execute(select(buddy_arrangements).order_by(buddy_arrangements.c.id)).mappings()
    return [
        BuddyArrangement(
            r["provider_code"],
            r["buddy_code"],
            BuddyScope(r["scope"]),
            r["arranged_by"],
            r["start_date"],
            bool(r["paid"]),
            r["mou_date"],
            r["review_date"],
            r["end_date"],
            r["id"],
        )
        for r in rows
    ]


def arrangements(repository: Repository) -> list[BuddyArrangement]:
    with repository.engine.connect() as conn:
        return arrangements_in(conn)


def suggest_buddies(
    repository: Repository,
    provider_code: str,
    *,
    scope: BuddyScope | str = BuddyScope.TRUST_WIDE,
    as_of: date,
    max_buddying: int = 2,
    public_only: bool = False,
) -> list[BuddyCandidate]:
    """Every other provider ranked as a buddy for ``provider_code`` on ``as_of``, explained.

    "In a regime" means an SMQ, CP or RSP spell active on the day: the CP list stands in for a
    watch list until the monitoring service provides one. ``public_only`` leaves the
    confidential CP list out (for a reader who may not see other trusts' CP status: a CP-listed
    candidate is then ranked as if it were not listed, so nothing about the list is inferable).
    """
    scope = BuddyScope(scope) if isinstance(scope, str) else scope
    target = repository.provider(provider_code)
    everyone = repository.providers()
    in_force = repository.ratings_in_force(as_of)
    target_ratings: dict[KeyQuestion, Rating] = {
        kq: r.rating for kq, r in in_force.get(provider_code, {}).items()
    }
    overall = {
        code: qs[KeyQuestion.OVERALL].rating
        for code, qs in in_force.items()
        if KeyQuestion.OVERALL in qs
    }
    in_regime = {
        code: ", ".join(e.regime.value.upper() for e in spells)
        for code, all_spells in repository.active_episodes(as_of).items()
        if (spells := [e for e in all_spells if not (public_only and e.regime is Regime.CP)])
    }
    histories: dict[str, list[Inspection]] = defaultdict(list)
    for p in everyone:
        if p.code != provider_code and p.code not in in_regime:
            histories[p.code] = repository.inspections(p.code, as_of=as_of)
    busy: dict[str, int] = defaultdict(int)
    for a in arrangements(repository):
        if a.active_on(as_of):
            busy[a.buddy_code] += 1
    return rank_buddies(
        target, everyone, scope=scope, as_of=as_of, target_ratings=target_ratings,
        histories=histories, overall=overall, in_regime=in_regime, buddying_now=busy,
        max_buddying=max_buddying,
    )  # fmt: skip


def record_in(conn: Connection, arrangement: BuddyArrangement, who: Actor) -> int:
    check_provider(conn, arrangement.provider_code)
    check_provider(conn, arrangement.buddy_code)
    for a in arrangements_in(conn):
        same = (a.provider_code, a.buddy_code, a.scope) == (
            arrangement.provider_code, arrangement.buddy_code, arrangement.scope,
        )  # fmt: skip
        if same and (a.end is None or arrangement.start < a.end):
            raise InputError(
                f"{arrangement.buddy_code} already buddies {arrangement.provider_code}"
                f" ({arrangement.scope.value}) from {a.start}"
            )
    key = conn.execute(
        insert(buddy_arrangements).values(
            provider_code=arrangement.provider_code,
            buddy_code=arrangement.buddy_code,
            scope=arrangement.scope.value,
            arranged_by=arrangement.arranged_by.value,
            paid=arrangement.paid,
            mou_date=arrangement.mou_date,
            start_date=arrangement.start,
            review_date=arrangement.review_date,
            end_date=arrangement.end,
        )
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "buddy.arranged", "provider", arrangement.provider_code, {
        "arrangement_id": int(key[0]), "buddy": arrangement.buddy_code,
        "scope": arrangement.scope, "arranged_by": arrangement.arranged_by,
        "paid": arrangement.paid, "mou_date": arrangement.mou_date, "start": arrangement.start,
        "review": arrangement.review_date, "end": arrangement.end,
    })  # fmt: skip
    return int(key[0])


def record_arrangement(repository: Repository, arrangement: BuddyArrangement, who: Actor) -> int:
    """Record a buddying arrangement (audited); both providers must exist."""
    with repository.transaction() as conn:
        return record_in(conn, arrangement, who)
