"""Improvement Directors: the roster, assignments, proposals, flags and the caseload view."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, insert, select, update

from specialmeasures.domain import InputError, KeyQuestion, NotFoundError, Rating, Regime
from specialmeasures.domain.directors import (
    DirectorAssignment,
    DirectorFlag,
    DirectorProposal,
    ImprovementDirector,
    caseload,
    check_cycle,
    director_flags,
    propose_directors,
)
from specialmeasures.interventions._common import Actor, check_provider, director_cycle, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    director_assignments,
    improvement_directors,
    inspections,
)

__all__ = [
    "add_director",
    "assign_director",
    "assignments",
    "director_caseload",
    "directors",
    "end_assignment",
    "flags",
    "propose",
]


def _director(row: object) -> ImprovementDirector:
    r = row._mapping  # type: ignore[attr-defined]
    return ImprovementDirector(
        r["name"], r["background"], bool(r["previous_smq_experience"]), r["max_trusts"], r["id"]
    )


def _assignment(row: object) -> DirectorAssignment:
    r = row._mapping  # type: ignore[attr-defined]
    return DirectorAssignment(
        r["director_id"], r["provider_code"], r["start_date"], r["intensive_months"],
        r["maintenance_months"], r["hours_intensive"], r["hours_maintenance"], r["end_date"],
        r["end_reason"], r["id"],
    )  # fmt: skip


def directors_in(conn: Connection) -> list[ImprovementDirector]:
    rows = conn.execute(select(improvement_directors).order_by(improvement_directors.c.name))
    return [_director(r) for r in rows]


def assignments_in(conn: Connection) -> list[DirectorAssignment]:
    query = select(director_assignments).order_by(
        director_assignments.c.start_date, director_assignments.c.id
    )
    return [_assignment(r) for r in conn.execute(query)]


def directors(repository: Repository) -> list[ImprovementDirector]:
    with repository.engine.connect() as conn:
        return directors_in(conn)


def assignments(repository: Repository) -> list[DirectorAssignment]:
    with repository.engine.connect() as conn:
        return assignments_in(conn)


def find_director(conn: Connection, key: str | int) -> ImprovementDirector:
    for d in directors_in(conn):
        if str(d.id) == str(key) or d.name.lower() == str(key).lower():
            return d
    raise NotFoundError("Improvement Director", key)


def add_director_in(conn: Connection, director: ImprovementDirector, who: Actor) -> int:
    if conn.execute(
        select(improvement_directors.c.id).where(improvement_directors.c.name == director.name)
    ).first():
        raise InputError(
            f"an Improvement Director named {director.name!r} is already on the roster"
        )
    key = conn.execute(
        insert(improvement_directors).values(
            name=director.name,
            background=director.background.value,
            previous_smq_experience=director.previous_smq_experience,
            max_trusts=director.max_trusts,
        )
    ).inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    record(conn, who, "director.added", "improvement_director", new_id, {
        "name": director.name, "background": director.background,
        "previous_smq_experience": director.previous_smq_experience,
        "max_trusts": director.max_trusts,
    })  # fmt: skip
    return new_id


def add_director(repository: Repository, director: ImprovementDirector, who: Actor) -> int:
    """Put an ID on the roster (audited); the name must be new."""
    with repository.transaction() as conn:
        return add_director_in(conn, director, who)


def assign_in(conn: Connection, assignment: DirectorAssignment, who: Actor) -> int:
    check_provider(conn, assignment.provider_code)
    check_cycle(assignment, director_cycle())
    director = find_director(conn, assignment.director_id)
    existing = [a for a in assignments_in(conn) if a.director_id == director.id]
    stop = assignment.end or assignment.planned_end
    busy = [a for a in existing if a.overlaps(assignment.start, stop)]
    if any(a.provider_code == assignment.provider_code for a in busy):
        raise InputError(
            f"{director.name} is already assigned to {assignment.provider_code} in that period"
        )
    if len(busy) >= director.max_trusts:
        raise InputError(
            f"{director.name} is at capacity: {len(busy)} of {director.max_trusts} trusts"
            f" ({', '.join(sorted(a.provider_code for a in busy))}) between {assignment.start}"
            f" and {stop}; end an assignment or choose another Improvement Director",
            column="director",
            value=director.name,
        )
    key = conn.execute(
        insert(director_assignments).values(
            director_id=director.id,
            provider_code=assignment.provider_code,
            start_date=assignment.start,
            intensive_months=assignment.intensive_months,
            maintenance_months=assignment.maintenance_months,
            hours_intensive=assignment.hours_intensive,
            hours_maintenance=assignment.hours_maintenance,
            end_date=assignment.end,
            end_reason=assignment.end_reason,
        )
    ).inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    record(conn, who, "director.assigned", "provider", assignment.provider_code, {
        "assignment_id": new_id, "director": director.name, "start": assignment.start,
        "intensive_until": assignment.intensive_end, "planned_end": assignment.planned_end,
        "hours_intensive": assignment.hours_intensive,
        "hours_maintenance": assignment.hours_maintenance, "end": assignment.end,
    })  # fmt: skip
    return new_id


def assign_director(
    repository: Repository,
    *,
    director: str | int,
    provider_code: str,
    start: date,
    who: Actor,
    intensive_months: int | None = None,
    maintenance_months: int | None = None,
    hours_intensive: float = 22.5,
    hours_maintenance: float = 7.5,
) -> int:
    """Assign an ID to a trust on the policy's Director cycle (audited).

    Refused (nothing written): unknown provider or ID, intensive phase longer than the policy
    allows, the ID already at capacity over the assignment's planned period.
    """
    cycle = director_cycle()
    with repository.transaction() as conn:
        d = find_director(conn, director)
        assert d.id is not None
        assignment = DirectorAssignment(
            d.id,
            provider_code,
            start,
            intensive_months if intensive_months is not None else cycle.max_intensive_months,
            maintenance_months if maintenance_months is not None else cycle.maintenance_months,
            hours_intensive,
            hours_maintenance,
        )
        return assign_in(conn, assignment, who)


def end_assignment(
    repository: Repository, assignment_id: int, *, end: date, reason: str, who: Actor
) -> None:
    """End (withdraw) an assignment on ``end`` (exclusive), with the reason (audited)."""
    with repository.transaction() as conn:
        found = [a for a in assignments_in(conn) if a.id == assignment_id]
        if not found:
            raise NotFoundError("assignment", assignment_id)
        a = found[0]
        if a.end is not None:
            raise InputError(f"assignment {assignment_id} already ended on {a.end}")
        if end <= a.start:
            raise InputError(
                f"the end ({end}) must be after the assignment's start ({a.start})",
                column="--end",
                value=end.isoformat(),
            )
        conn.execute(
            update(director_assignments)
            .where(director_assignments.c.id == assignment_id)
            .values(end_date=end, end_reason=reason)
        )
        record(conn, who, "director.assignment_ended", "provider", a.provider_code, {
            "assignment_id": assignment_id, "end": end, "reason": reason,
        })  # fmt: skip


def propose(repository: Repository, provider_code: str, as_of: date) -> list[DirectorProposal]:
    """IDs ranked for a trust on ``as_of``, each with its explained score."""
    repository.provider(provider_code)
    in_force = repository.ratings_in_force(as_of, [provider_code]).get(provider_code, {})
    ratings: dict[KeyQuestion, Rating] = {kq: r.rating for kq, r in in_force.items()}
    active = repository.active_episodes(as_of, [provider_code]).get(provider_code, [])
    in_smq = any(e.regime is Regime.SMQ for e in active)
    with repository.engine.connect() as conn:
        roster, all_assignments = directors_in(conn), assignments_in(conn)
    return propose_directors(
        roster, all_assignments, provider_code=provider_code, ratings=ratings, in_smq=in_smq,
        as_of=as_of,
    )  # fmt: skip


def flags(repository: Repository, as_of: date) -> list[DirectorFlag]:
    """ID flags on ``as_of`` (see ``domain.directors.director_flags``)."""
    published: dict[str, list[date]] = defaultdict(list)
    with repository.engine.connect() as conn:
        roster, all_assignments = directors_in(conn), assignments_in(conn)
        for code, day in conn.execute(
            select(inspections.c.provider_code, inspections.c.publication_date)
        ):
            published[code].append(day)
    episodes = repository.episodes(regime=Regime.SMQ)
    return director_flags(
        roster, all_assignments, episodes, published, as_of=as_of, cycle=director_cycle()
    )


def director_caseload(repository: Repository, first: date, last: date) -> list[dict[str, object]]:
    """Who covers whom, month by month."""
    with repository.engine.connect() as conn:
        return caseload(directors_in(conn), assignments_in(conn), first, last)
