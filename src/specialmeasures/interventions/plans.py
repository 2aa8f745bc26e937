"""Improvement plans: actions against the inspection's findings, progress updates, deep dives."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Connection, func, insert, select, update

from specialmeasures.domain import InputError, NotFoundError
from specialmeasures.domain.directors import month_starts
from specialmeasures.domain.oversight import (
    ActionStatus,
    DeepDive,
    DriverDomain,
    FindingKind,
    PlanAction,
    plan_progress,
)
from specialmeasures.interventions._common import Actor, check_provider, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    audit_log,
    deep_dives,
    plan_actions,
    plan_updates,
    regime_episodes,
)

__all__ = [
    "add_action",
    "add_deep_dive",
    "check_plan_date",
    "deep_dives_of",
    "plan_of",
    "progress",
    "recorders",
    "update_action",
]


def recorders(repository: Repository, code: str) -> dict[int, tuple[str, str]]:
    """Who added each of a trust's plan actions: the actor and role of its audit row
    (``plan.action_added``), by action id."""
    query = select(audit_log.c.actor, audit_log.c.role, audit_log.c.payload).where(
        audit_log.c.action == "plan.action_added",
        audit_log.c.entity == "provider",
        audit_log.c.entity_key == code,
    )
    found: dict[int, tuple[str, str]] = {}
    with repository.engine.connect() as conn:
        for actor, role, payload in conn.execute(query):
            action_id = json.loads(payload).get("action_id")
            if isinstance(action_id, int):
                found[action_id] = (str(actor), str(role))
    return found


def actions_in(conn: Connection, code: str | None = None) -> list[PlanAction]:
    query = select(plan_actions).order_by(plan_actions.c.id)
    if code is not None:
        query = query.where(plan_actions.c.provider_code == code)
    return [
        PlanAction(
            r["provider_code"],
            FindingKind(r["finding_kind"]),
            r["finding"],
            r["action"],
            frozenset(DriverDomain(d) for d in r["domains"].split(",")),
            r["owner"],
            r["due_date"],
            ActionStatus(r["status"]),
            r["evidence"],
            r["inspection_id"],
            r["created_on"],
            r["id"],
        )
        for r in conn.execute(query).mappings()
    ]


def plan_of(repository: Repository, code: str) -> list[PlanAction]:
    with repository.engine.connect() as conn:
        return actions_in(conn, code)


def add_action_in(conn: Connection, action: PlanAction, who: Actor) -> int:
    check_provider(conn, action.provider_code)
    created = action.created_on or who.at.date()
    if action.due < created:
        raise InputError(f"the due date ({action.due}) is before the action was set ({created})")
    domains = ",".join(sorted(d.value for d in action.domains))
    key = conn.execute(
        insert(plan_actions).values(
            provider_code=action.provider_code,
            inspection_id=action.inspection_id,
            finding_kind=action.finding_kind.value,
            finding=action.finding,
            action=action.action,
            domains=domains,
            owner=action.owner,
            due_date=action.due,
            status=action.status.value,
            evidence=action.evidence,
            created_on=created,
        )
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "plan.action_added", "provider", action.provider_code, {
        "action_id": int(key[0]), "finding_kind": action.finding_kind,
        "finding": action.finding, "action": action.action, "domains": domains,
        "owner": action.owner, "due": action.due,
    })  # fmt: skip
    return int(key[0])


def check_plan_date(conn: Connection, code: str, day: date, who: Actor, field: str) -> None:
    """Refuse a plan date after the day it is recorded, or before the trust's first regime
    spell began (a plan belongs to an episode; past spells may be recorded, unborn ones not)."""
    if day > who.at.date():
        raise InputError(
            f"the date ({day}) is in the future: record what has happened, on or before"
            f" {who.at.date()}",
            column=field,
            value=day.isoformat(),
        )
    first = conn.execute(
        select(func.min(regime_episodes.c.start_date)).where(
            regime_episodes.c.provider_code == code
        )
    ).scalar()
    if first is None:
        raise InputError(
            f"{code} has never been in a regime: a plan belongs to a regime episode", column=field
        )
    if day < first:
        raise InputError(
            f"the date ({day}) is before {code}'s first regime episode began ({first})",
            column=field,
            value=day.isoformat(),
        )


def add_action(repository: Repository, action: PlanAction, who: Actor) -> int:
    """Add an improvement-plan action (audited). The day it was set (``created_on``, default
    today) may be in the past, not in the future nor before the trust's first episode."""
    with repository.transaction() as conn:
        check_provider(conn, action.provider_code)
        check_plan_date(conn, action.provider_code, action.created_on or who.at.date(), who, "--on")
        return add_action_in(conn, action, who)


def update_in(
    conn: Connection,
    action_id: int,
    status: ActionStatus,
    on: date,
    note: str,
    who: Actor,
    evidence: str | None = None,
) -> None:
    found = [a for a in actions_in(conn) if a.id == action_id]
    if not found:
        raise NotFoundError("plan action", action_id)
    action = found[0]
    if action.created_on is not None and on < action.created_on:
        raise InputError(
            f"update dated {on} is before the action was set ({action.created_on})",
            column="--on",
        )
    if status is ActionStatus.COMPLETE and not (evidence or action.evidence):
        raise InputError("a complete action needs evidence (--evidence)", column="--evidence")
    conn.execute(
        insert(plan_updates).values(action_id=action_id, on_date=on, status=status.value, note=note)
    )
    values: dict[str, object] = {"status": status.value}
    if evidence:
        values["evidence"] = evidence
    conn.execute(update(plan_actions).where(plan_actions.c.id == action_id).values(**values))
    record(conn, who, "plan.action_updated", "provider", action.provider_code, {
        "action_id": action_id, "status": status, "on": on, "note": note, "evidence": evidence,
    })  # fmt: skip


def update_action(
    repository: Repository,
    action_id: int,
    *,
    status: ActionStatus | str,
    on: date,
    note: str,
    who: Actor,
    evidence: str | None = None,
) -> None:
    """Record progress on an action (audited); completion needs evidence. The day may be in
    the past (not before the action was set) but not in the future."""
    with repository.transaction() as conn:
        if on > who.at.date():
            raise InputError(
                f"the date ({on}) is in the future: record what has happened, on or before"
                f" {who.at.date()}",
                column="--on",
                value=on.isoformat(),
            )
        update_in(conn, action_id, ActionStatus(status), on, note, who, evidence)


def progress(repository: Repository, code: str, first: date, last: date) -> list[dict[str, object]]:
    """The plan's status counts month by month."""
    with repository.engine.connect() as conn:
        actions = actions_in(conn, code)
        ids = [a.id for a in actions]
        updates = [
            (r.action_id, r.on_date, ActionStatus(r.status))
            for r in conn.execute(
                select(plan_updates).where(plan_updates.c.action_id.in_(ids or [-1]))
            )
        ]
    return plan_progress(actions, updates, month_starts(first, last))


def add_deep_dive_in(conn: Connection, dive: DeepDive, who: Actor) -> int:
    check_provider(conn, dive.provider_code)
    key = conn.execute(
        insert(deep_dives).values(
            provider_code=dive.provider_code,
            topic=dive.topic,
            start_date=dive.start,
            end_date=dive.end,
            findings=dive.findings,
        )
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "plan.deep_dive", "provider", dive.provider_code, {
        "deep_dive_id": int(key[0]), "topic": dive.topic, "start": dive.start, "end": dive.end,
    })  # fmt: skip
    return int(key[0])


def add_deep_dive(repository: Repository, dive: DeepDive, who: Actor) -> int:
    with repository.transaction() as conn:
        return add_deep_dive_in(conn, dive, who)


def deep_dives_of(repository: Repository, code: str) -> list[DeepDive]:
    with repository.engine.connect() as conn:
        rows = conn.execute(
            select(deep_dives).where(deep_dives.c.provider_code == code).order_by(deep_dives.c.id)
        ).mappings()
        return [
            DeepDive(
                r["provider_code"],
                r["topic"],
                r["start_date"],
                r["end_date"],
                r["findings"],
                r["id"],
            )
            for r in rows
        ]
