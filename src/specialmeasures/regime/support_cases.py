"""Support cases: the Recovery Support Programme and the Provider Improvement Programme as
regimes with agreed exit criteria, whole-system cases, paid support and capability assessments.

A case is one organisation or a system (an ICB with named providers, coordinated by a System
Improvement Director). Opening a case enters each provider in the regime (an episode and an
``enter`` decision per provider) and records the exit criteria agreed at entry; each criterion
then carries its evidence and status. When every criterion of a provider (its own and the
system's) is met, the policy recommends exit (``rsp.exit.criteria_met``, ``pip.exit.criteria_met``)
and the exit can be recorded; an exit with criteria still open is refused. Every write is one
transaction with its audit rows. Provider Improvement Programme entry is refused unless policy
``pip-2025`` recommends it (``regime.pip``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from specialmeasures.domain import InputError, Judgement, NotFoundError, Regime
from specialmeasures.domain._checks import require_text
from specialmeasures.domain.lifecycle import plan_transition
from specialmeasures.domain.support import (
    CAPABILITY_AREAS,
    CRITERION_STATUSES,
    exit_ready,
    overall_capability,
)
from specialmeasures.rules import Fact
from specialmeasures.store import Repository, audit
from specialmeasures.store.regime_store import (
    add_judgement,
    episodes_of,
    insert_decision,
    insert_episode,
    lifecycle_events,
    update_episode,
)
from specialmeasures.store.tables import (
    capability_assessments,
    capability_ratings,
    exit_criteria,
    support_case_members,
    support_cases,
    support_costs,
)

__all__ = [
    "CASE_REGIMES",
    "Who",
    "add_cost",
    "case_view",
    "exit_case",
    "exit_criteria_facts",
    "list_cases",
    "open_case",
    "record_capability",
    "update_criterion",
]

#: The regimes run as support cases.
CASE_REGIMES = (Regime.RSP, Regime.PIP)
PAYERS = ("trust", "nhs_england", "system")


@dataclass(frozen=True, slots=True)
class Who:
    """Who records a change, in what role, why, and when it is recorded (no clock here)."""

    actor: str
    role: str
    rationale: str
    at: datetime

    def __post_init__(self) -> None:
        require_text("actor", self.actor)
        require_text("role", self.role)
        require_text("rationale", self.rationale, max_length=20_000)


def _audit(conn: Connection, who: Who, action: str, key: str, payload: dict[str, Any]) -> int:
    return audit.append(
        conn,
        actor=who.actor,
        role=who.role,
        action=action,
        entity="support_case",
        entity_key=key,
        payload=payload,
        at=who.at,
    ).seq


def _move(
    conn: Connection, code: str, regime: Regime, transition: str, on: date, who: Who, ref: str
) -> int | None:
    """Enter or exit one provider in ``regime`` (episode, decision); returns the episode id."""
    plan = plan_transition(
        code, regime, transition, on, episodes_of(conn, code), lifecycle_events(conn, code)
    )
    episode = plan.episode
    episode_id: int | None = None
    if episode is not None and episode.id is None:
        episode_id = insert_episode(conn, episode)
    elif episode is not None:
        update_episode(conn, episode)
        episode_id = episode.id
    insert_decision(
        conn,
        {
            "provider_code": code,
            "episode_id": episode_id,
            "kind": plan.transition.kind.value,
            "actor": who.actor,
            "role": who.role,
            "decided_at": datetime.combine(on, time()),
            "rationale": who.rationale,
            "recommendation_ref": ref,
            "regime": regime.value,
            "transition": transition,
            "accepted": None,
        },
    )
    return episode_id


def open_case(
    repo: Repository,
    *,
    regime: Regime,
    name: str,
    members: Sequence[str],
    criteria: Sequence[tuple[str | None, str]],
    on: date,
    who: Who,
    icb: str | None = None,
    director: str | None = None,
    conn: Connection | None = None,
) -> int:
    """Open a case: enter every member in the regime and record the agreed exit criteria.

    With ``conn`` the writes join the caller's transaction (an import of many cases).

    ``criteria`` are ``(provider code or None for the whole system, criterion text)``; at least
    one per member (its own or the system's) must be agreed at entry.
    """
    if regime not in CASE_REGIMES:
        raise InputError(f"support cases are for {', '.join(r.value for r in CASE_REGIMES)}")
    require_text("case name", name, max_length=200)
    codes = [c.strip().upper() for c in members]
    if not codes or len(set(codes)) != len(codes):
        raise InputError("a case needs one or more distinct providers", column="--provider")
    system = icb is not None or len(codes) > 1
    if system and not icb:
        raise InputError("a system case names its ICB (--icb)", column="--icb")
    if system and not director:
        raise InputError(
            "a system case is coordinated by a System Improvement Director (--director)",
            column="--director",
        )
    for code in codes:
        repo.provider(code)  # NotFoundError
    agreed = [
        (None if c is None else c.strip().upper(), require_text("criterion", t, max_length=2000))
        for c, t in criteria
    ]
    for target, _ in agreed:
        if target is not None and target not in codes:
            raise InputError(f"exit criterion for {target}, which is not in the case", value=target)
    for code in codes:
        if not any(c is None or c == code for c, _ in agreed):
            raise InputError(
                f"no exit criterion agreed for {code}: exit criteria are agreed at entry",
                column="--criterion",
                value=code,
            )
    refs: dict[str, str] = {}
    if regime is Regime.PIP:
        from specialmeasures.regime.pip import check_pip_entry

        refs = {code: check_pip_entry(repo, code, on) for code in codes}
    with nullcontext(conn) if conn is not None else repo.transaction() as conn:
        case_id = int(
            conn.execute(
                insert(support_cases).values(
                    regime=regime.value,
                    scope="system" if system else "organisation",
                    name=name,
                    icb=icb,
                    director=director,
                    opened_on=on,
                    closed_on=None,
                    status="open",
                    opened_by=who.actor,
                    rationale=who.rationale,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        )
        for code in codes:
            episode_id = _move(
                conn, code, regime, "enter", on, who, refs.get(code, f"support case {case_id}")
            )
            conn.execute(
                insert(support_case_members).values(
                    case_id=case_id, provider_code=code, episode_id=episode_id, joined_on=on
                )
            )
        for target, text in agreed:
            conn.execute(
                insert(exit_criteria).values(
                    case_id=case_id,
                    provider_code=target,
                    criterion=text,
                    agreed_on=on,
                    status="not_met",
                    evidence="",
                    updated_on=on,
                    updated_by=who.actor,
                )
            )
        _audit(conn, who, "support_case.open", str(case_id), {
            "case_id": case_id, "regime": regime.value, "name": name, "icb": icb,
            "director": director, "members": codes, "on": on.isoformat(),
            "criteria": [{"provider": c, "criterion": t} for c, t in agreed],
            "rationale": who.rationale, "recommendations": refs,
        })  # fmt: skip
    return case_id


def update_criterion(
    repo: Repository, criterion_id: int, *, status: str, evidence: str, on: date, who: Who
) -> None:
    """Set one criterion's status with its evidence (evidence is required to mark it met)."""
    if status not in CRITERION_STATUSES:
        raise InputError(f"status must be one of {', '.join(CRITERION_STATUSES)}", value=status)
    if status == "met" and not evidence.strip():
        raise InputError("a criterion is marked met only with its evidence", column="--evidence")
    with repo.transaction() as conn:
        row = conn.execute(select(exit_criteria).where(exit_criteria.c.id == criterion_id)).first()
        if row is None:
            raise NotFoundError("exit criterion", str(criterion_id))
        case = conn.execute(select(support_cases).where(support_cases.c.id == row.case_id)).first()
        assert case is not None
        if case.status != "open":
            raise InputError(f"case {case.id} is closed", value=criterion_id)
        conn.execute(
            update(exit_criteria)
            .where(exit_criteria.c.id == criterion_id)
            .values(status=status, evidence=evidence, updated_on=on, updated_by=who.actor)
        )
        _audit(conn, who, "support_case.criterion", str(row.case_id), {
            "criterion_id": criterion_id, "provider": row.provider_code, "from": row.status,
            "to": status, "evidence": evidence, "on": on.isoformat(), "rationale": who.rationale,
        })  # fmt: skip


def _member_criteria(rows: Sequence[Any], code: str) -> list[Any]:
    return [r for r in rows if r.provider_code in (None, code)]


def case_view(repo: Repository, case_id: int) -> dict[str, Any]:
    """The case with its members, criteria (status, evidence), costs and exit recommendation."""
    with repo.engine.connect() as conn:
        case = conn.execute(select(support_cases).where(support_cases.c.id == case_id)).first()
        if case is None:
            raise NotFoundError("support case", str(case_id))
        members = list(conn.execute(
            select(support_case_members).where(support_case_members.c.case_id == case_id)
            .order_by(support_case_members.c.provider_code)
        ))  # fmt: skip
        criteria = list(conn.execute(
            select(exit_criteria).where(exit_criteria.c.case_id == case_id)
            .order_by(exit_criteria.c.id)
        ))  # fmt: skip
        costs = list(conn.execute(
            select(support_costs).where(support_costs.c.case_id == case_id)
            .order_by(support_costs.c.paid_on, support_costs.c.id)
        ))  # fmt: skip
    names = {p.code: p.name for p in repo.providers()}
    member_rows = []
    for m in members:
        own = _member_criteria(criteria, m.provider_code)
        ready = exit_ready(r.status for r in own)
        member_rows.append({
            "provider_code": m.provider_code, "name": names.get(m.provider_code, ""),
            "joined_on": m.joined_on.isoformat(),
            "left_on": m.left_on.isoformat() if m.left_on else None,
            "criteria_met": sum(1 for r in own if r.status == "met"), "criteria": len(own),
            "exit_recommended": ready and m.left_on is None,
        })  # fmt: skip
    open_members = [m for m in member_rows if m["left_on"] is None]
    all_ready = bool(open_members) and all(m["exit_recommended"] for m in open_members)
    if case.status != "open":
        recommendation = f"Closed on {case.closed_on}."
    elif all_ready:
        recommendation = ("Every agreed exit criterion is met, each with its evidence: "
                          "exit recommended for the whole case.")  # fmt: skip
    else:
        waiting = sum(1 for r in criteria if r.status != "met")
        recommendation = f"Not yet: {waiting} agreed exit criteria are not met."
    return {
        "id": case.id,
        "regime": case.regime,
        "regime_label": Regime(case.regime).label,
        "scope": case.scope,
        "name": case.name,
        "icb": case.icb,
        "director": case.director,
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "status": case.status,
        "opened_by": case.opened_by,
        "rationale": case.rationale,
        "members": member_rows,
        "criteria": [
            {
                "id": r.id,
                "provider_code": r.provider_code or "whole system",
                "criterion": r.criterion,
                "agreed_on": r.agreed_on.isoformat(),
                "status": r.status,
                "evidence": r.evidence,
                "updated_on": r.updated_on.isoformat(),
                "updated_by": r.updated_by,
            }
            for r in criteria
        ],
        "costs": [
            {
                "id": c.id,
                "provider_code": c.provider_code,
                "paid_on": c.paid_on.isoformat(),
                "amount": c.amount,
                "paid_by": c.paid_by,
                "description": c.description,
            }
            for c in costs
        ],
        "cost_total": sum(c.amount for c in costs),
        "cost_paid_by_trusts": sum(c.amount for c in costs if c.paid_by == "trust"),
        "exit_recommended": all_ready,
        "recommendation": recommendation,
    }


def list_cases(repo: Repository) -> list[dict[str, Any]]:
    with repo.engine.connect() as conn:
        ids = [r.id for r in conn.execute(select(support_cases.c.id).order_by(support_cases.c.id))]
    return [case_view(repo, i) for i in ids]


def exit_case(
    repo: Repository, case_id: int, *, on: date, who: Who, provider: str | None = None
) -> list[str]:
    """Exit the case's providers (or one), refused while any of their criteria is not met."""
    view = case_view(repo, case_id)
    if view["status"] != "open":
        raise InputError(f"case {case_id} is already closed")
    regime = Regime(view["regime"])
    leaving = [m for m in view["members"] if m["left_on"] is None]
    if provider is not None:
        leaving = [m for m in leaving if m["provider_code"] == provider.upper()]
        if not leaving:
            raise InputError(f"{provider} is not an open member of case {case_id}", value=provider)
    not_ready = [m["provider_code"] for m in leaving if not m["exit_recommended"]]
    if not_ready:
        open_ids = [
            str(c["id"]) for c in view["criteria"]
            if c["status"] != "met" and c["provider_code"] in (*not_ready, "whole system")
        ]  # fmt: skip
        raise InputError(
            f"exit refused: the agreed exit criteria of {', '.join(not_ready)} are not all met "
            f"(open criteria: {', '.join(open_ids)})"
        )
    codes = [m["provider_code"] for m in leaving]
    remaining = len([m for m in view["members"] if m["left_on"] is None]) - len(codes)
    with repo.transaction() as conn:
        for code in codes:
            _move(conn, code, regime, "exit", on, who, f"support case {case_id}: exit criteria met")
            conn.execute(
                update(support_case_members)
                .where(and_(support_case_members.c.case_id == case_id,
                            support_case_members.c.provider_code == code))
                .values(left_on=on)
            )  # fmt: skip
        if remaining == 0:
            conn.execute(
                update(support_cases)
                .where(support_cases.c.id == case_id)
                .values(status="exited", closed_on=on)
            )
        _audit(conn, who, "support_case.exit", str(case_id), {
            "case_id": case_id, "providers": codes, "on": on.isoformat(),
            "closed": remaining == 0, "rationale": who.rationale,
        })  # fmt: skip
    return codes


def add_cost(
    repo: Repository,
    case_id: int,
    *,
    provider: str,
    amount: int,
    paid_by: str,
    description: str,
    on: date,
    who: Who,
) -> int:
    """Record a payment for support (the Provider Improvement Programme's trusts pay)."""
    if amount <= 0:
        raise InputError(
            "amount must be a positive number of pounds", column="--amount", value=amount
        )
    if paid_by not in PAYERS:
        raise InputError(f"paid by must be one of {', '.join(PAYERS)}", value=paid_by)
    view = case_view(repo, case_id)
    code = provider.upper()
    if code not in {m["provider_code"] for m in view["members"]}:
        raise InputError(f"{code} is not a member of case {case_id}", value=provider)
    with repo.transaction() as conn:
        cost_id = int(conn.execute(insert(support_costs).values(
            case_id=case_id, provider_code=code, paid_on=on, amount=amount, paid_by=paid_by,
            description=require_text("description", description, max_length=2000),
        )).inserted_primary_key[0])  # type: ignore[index]  # fmt: skip
        _audit(conn, who, "support_case.cost", str(case_id), {
            "cost_id": cost_id, "provider": code, "amount": amount, "paid_by": paid_by,
            "on": on.isoformat(), "description": description,
        })  # fmt: skip
    return cost_id


def record_capability(
    repo: Repository,
    code: str,
    *,
    ratings: Mapping[str, tuple[str, str]],
    on: date,
    who: Who,
) -> str:
    """Record a capability assessment (area -> (rating, evidence)); the overall rating becomes
    the judgement ``capability`` that the policies read. Returns the overall rating."""
    repo.provider(code)
    overall = overall_capability({a: r for a, (r, _) in ratings.items()})
    with repo.transaction() as conn:
        assessment_id = int(conn.execute(insert(capability_assessments).values(
            provider_code=code, assessed_on=on, assessed_by=who.actor, role=who.role,
            overall=overall, rationale=who.rationale,
        )).inserted_primary_key[0])  # type: ignore[index]  # fmt: skip
        conn.execute(insert(capability_ratings), [
            {"assessment_id": assessment_id, "area": a, "rating": r, "evidence": e}
            for a, (r, e) in ratings.items()
        ])  # fmt: skip
        add_judgement(
            conn,
            Judgement(code, "capability", overall, who.actor, on,
                      f"capability assessment {assessment_id}: {who.rationale}"),
            role=who.role,
            recorded_at=who.at,
        )  # fmt: skip
        audit.append(conn, actor=who.actor, role=who.role, action="capability.assess",
                     entity="provider", entity_key=code, payload={
                         "assessment_id": assessment_id, "overall": overall, "on": on.isoformat(),
                         "ratings": {a: r for a, (r, _) in ratings.items()},
                     }, at=who.at)  # fmt: skip
    return overall


def capability_of(repo: Repository, code: str) -> list[dict[str, Any]]:
    """A provider's capability assessments, newest first, with each area's rating."""
    with repo.engine.connect() as conn:
        rows = list(conn.execute(
            select(capability_assessments).where(capability_assessments.c.provider_code == code)
            .order_by(capability_assessments.c.assessed_on.desc(), capability_assessments.c.id.desc())
        ))  # fmt: skip
        out = []
        for r in rows:
            areas = {a.area: {"rating": a.rating, "evidence": a.evidence} for a in conn.execute(
                select(capability_ratings).where(capability_ratings.c.assessment_id == r.id))}  # fmt: skip
            out.append({"id": r.id, "assessed_on": r.assessed_on.isoformat(),
                        "assessed_by": r.assessed_by, "overall": r.overall,
                        "areas": {a: areas.get(a) for a in CAPABILITY_AREAS}})  # fmt: skip
    return out


def exit_criteria_facts(repo: Repository, code: str, as_of: date) -> list[Fact]:
    """``exit_criteria.all_met`` and ``exit_criteria.open`` for the provider's open case."""
    with repo.engine.connect() as conn:
        member = conn.execute(
            select(support_case_members, support_cases.c.name)
            .join(support_cases, support_cases.c.id == support_case_members.c.case_id)
            .where(and_(
                support_case_members.c.provider_code == code,
                support_case_members.c.joined_on <= as_of,
                (support_case_members.c.left_on.is_(None)) | (support_case_members.c.left_on > as_of),
            ))
            .order_by(support_case_members.c.joined_on.desc())
        ).first()  # fmt: skip
        if member is None:
            return []
        rows = list(conn.execute(select(exit_criteria).where(and_(
            exit_criteria.c.case_id == member.case_id, exit_criteria.c.agreed_on <= as_of))))  # fmt: skip
    own = [r for r in rows if r.provider_code in (None, code)]
    # A criterion met after the day evaluated was not met yet on that day.
    met = [r for r in own if r.status == "met" and r.updated_on <= as_of]
    where = f"support case {member.case_id} ({member.name}): {len(met)} of {len(own)} criteria met"
    day = max((r.updated_on for r in met), default=member.joined_on)
    return [
        Fact("exit_criteria.all_met", bool(own) and len(met) == len(own), where, day),
        Fact("exit_criteria.open", len(own) - len(met), where, as_of),
    ]
