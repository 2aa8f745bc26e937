"""NHSI funding: apply by regime stage within the policy's caps, approve, record spend."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, insert, select, update

from specialmeasures.domain import InputError, NotFoundError
from specialmeasures.domain.funding import (
    APPROVER_ROLE,
    FundingAim,
    FundingApplication,
    FundingStage,
    SpendCategory,
    SpendLine,
    check_application,
    check_spend,
)
from specialmeasures.interventions._common import Actor, check_provider, funding_rules, record
from specialmeasures.store import Repository
from specialmeasures.store import mapping as store_mapping
from specialmeasures.store.tables import (
    funding_aims,
    funding_applications,
    funding_spend,
    regime_episodes,
)

__all__ = [
    "ApplicationView",
    "add_spend",
    "applications",
    "apply_for_funding",
    "approve_application",
]


@dataclass(frozen=True, slots=True)
class ApplicationView:
    application: FundingApplication
    spent: int
    spend_by_category: dict[str, int]


def applications_in(conn: Connection, code: str | None = None) -> list[FundingApplication]:
    query = select(funding_applications).order_by(funding_applications.c.id)
    if code is not None:
        query = query.where(funding_applications.c.provider_code == code)
    rows = list(conn.execute(query).mappings())
    aims: dict[int, list[FundingAim]] = defaultdict(list)
    if rows:
        for a in conn.execute(
            select(funding_aims)
            .where(funding_aims.c.application_id.in_([r["id"] for r in rows]))
            .order_by(funding_aims.c.id)
        ).mappings():
            aims[a["application_id"]].append(FundingAim(a["aim"], a["amount"]))
    return [
        FundingApplication(
            r["provider_code"],
            FundingStage(r["stage"]),
            r["applied_on"],
            tuple(aims[r["id"]]),
            r["episode_id"],
            r["status"],
            r["approved_amount"],
            r["approved_by"],
            r["approved_on"],
            r["id"],
        )
        for r in rows
    ]


def _spend_in(conn: Connection, application_id: int) -> list[SpendLine]:
    rows = conn.execute(
        select(funding_spend).where(funding_spend.c.application_id == application_id)
    ).mappings()
    return [
        SpendLine(
            r["application_id"],
            r["category"],
            r["amount"],
            r["spent_on"],
            r["description"],
            r["id"],
        )
        for r in rows
    ]


def apply_in(conn: Connection, application: FundingApplication, who: Actor) -> int:
    check_provider(conn, application.provider_code)
    episodes = [
        store_mapping.row_to_episode(r)
        for r in conn.execute(
            select(regime_episodes)
            .where(regime_episodes.c.provider_code == application.provider_code)
            .order_by(regime_episodes.c.start_date)
        ).mappings()
    ]
    spell = check_application(
        application, episodes, applications_in(conn, application.provider_code), funding_rules()
    )
    key = conn.execute(
        insert(funding_applications).values(
            provider_code=application.provider_code,
            stage=application.stage.value,
            episode_id=spell.id,
            applied_on=application.applied_on,
            status="applied",
        )
    ).inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    conn.execute(
        insert(funding_aims),
        [{"application_id": new_id, "aim": a.aim, "amount": a.amount} for a in application.aims],
    )
    record(conn, who, "funding.applied", "provider", application.provider_code, {
        "application_id": new_id, "stage": application.stage, "amount": application.amount,
        "aims": [{"aim": a.aim, "amount": a.amount} for a in application.aims],
        "episode_id": spell.id, "applied_on": application.applied_on,
    })  # fmt: skip
    return new_id


def apply_for_funding(
    repository: Repository,
    *,
    provider_code: str,
    stage: FundingStage | str,
    aims: Sequence[tuple[str, int]],
    applied_on: date,
    who: Actor,
) -> int:
    """Record an application mapped to improvement aims (audited).

    Refused with the policy rule named (nothing written): out of period (no spell of the
    stage's regime on the day, or outside the exit window), a spell pre-dating the funding
    component, a second application for the same spell and stage, an amount over the cap.
    """
    application = FundingApplication(
        provider_code,
        FundingStage(stage) if isinstance(stage, str) else stage,
        applied_on,
        tuple(FundingAim(aim, amount) for aim, amount in aims),
    )
    with repository.transaction() as conn:
        return apply_in(conn, application, who)


def _one(conn: Connection, application_id: int) -> FundingApplication:
    found = [a for a in applications_in(conn) if a.id == application_id]
    if not found:
        raise NotFoundError("funding application", application_id)
    return found[0]


def approve_in(
    conn: Connection, application_id: int, amount: int | None, on: date, who: Actor
) -> int:
    if who.role.strip().lower() != APPROVER_ROLE.lower():
        raise InputError(
            f"funding is approved by the {APPROVER_ROLE} (seed paper; rule"
            f" smq.funding.entry_available decided_by), not by {who.role!r}",
            column="--role",
            value=who.role,
        )
    app = _one(conn, application_id)
    if app.status == "approved":
        raise InputError(f"application {application_id} was already approved on {app.approved_on}")
    approved = app.amount if amount is None else amount
    if isinstance(approved, bool) or not 0 < approved <= app.amount:
        raise InputError(
            f"the approved amount must be between £1 and the £{app.amount:,} applied for",
            column="--amount",
            value=approved,
        )
    if on < app.applied_on:
        raise InputError(
            f"approval ({on}) before the application ({app.applied_on})", column="--on"
        )
    conn.execute(
        update(funding_applications)
        .where(funding_applications.c.id == application_id)
        .values(status="approved", approved_amount=approved, approved_by=who.name, approved_on=on)
    )
    record(conn, who, "funding.approved", "provider", app.provider_code, {
        "application_id": application_id, "approved_amount": approved, "applied": app.amount,
        "on": on,
    })  # fmt: skip
    return approved


def approve_application(
    repository: Repository, application_id: int, *, on: date, who: Actor, amount: int | None = None
) -> int:
    """Approve (all or part of) an application; only the Executive Medical Director may."""
    with repository.transaction() as conn:
        return approve_in(conn, application_id, amount, on, who)


def spend_in(conn: Connection, line: SpendLine, who: Actor) -> int:
    app = _one(conn, line.application_id)
    check_spend(app, _spend_in(conn, line.application_id), line)
    key = conn.execute(
        insert(funding_spend).values(
            application_id=line.application_id,
            category=line.category.value,
            amount=line.amount,
            spent_on=line.spent_on,
            description=line.description,
        )
    ).inserted_primary_key
    assert key is not None
    record(conn, who, "funding.spent", "provider", app.provider_code, {
        "application_id": line.application_id, "spend_id": int(key[0]),
        "category": line.category, "amount": line.amount, "on": line.spent_on,
    })  # fmt: skip
    return int(key[0])


def add_spend(
    repository: Repository,
    application_id: int,
    *,
    category: SpendCategory | str,
    amount: int,
    on: date,
    description: str,
    who: Actor,
) -> int:
    """Record a spend line against approved funding; refused if it would overspend."""
    line = SpendLine(application_id, SpendCategory(category), amount, on, description)
    with repository.transaction() as conn:
        return spend_in(conn, line, who)


def applications(
    repository: Repository, code: str | None = None, *, as_of: date | None = None
) -> list[ApplicationView]:
    """Applications with their spend (only spend dated on or before ``as_of`` when given)."""
    spend = select(
        funding_spend.c.application_id, funding_spend.c.category, func.sum(funding_spend.c.amount)
    )
    if as_of is not None:
        spend = spend.where(funding_spend.c.spent_on <= as_of)
    with repository.engine.connect() as conn:
        apps = applications_in(conn, code)
        totals: dict[int, dict[str, int]] = defaultdict(dict)
        for app_id, category, total in conn.execute(
            spend.group_by(funding_spend.c.application_id, funding_spend.c.category)
        ):
            totals[app_id][category] = int(total)
    return [
        ApplicationView(a, sum(totals[a.id or 0].values()), dict(totals[a.id or 0])) for a in apps
    ]
