"""What every intervention service shares: who is acting, provider checks, audit rows, policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from specialmeasures.domain import NotFoundError
from specialmeasures.domain._checks import require_text
from specialmeasures.domain.directors import DirectorCycle
from specialmeasures.domain.funding import FundingRules, FundingStage
from specialmeasures.rules import load_policy
from specialmeasures.store import audit
from specialmeasures.store.tables import providers

__all__ = ["Actor", "check_provider", "director_cycle", "funding_rules", "record"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A named person, their role, the reason for the change and when it is recorded.

    ``account_role`` is the permission role of the account acting (at the command line and on
    the web); ``role`` is then the committee or office named, recorded in the audit payload.
    """

    name: str
    role: str
    rationale: str
    at: datetime
    account_role: str | None = None

    def __post_init__(self) -> None:
        require_text("actor", self.name)
        require_text("role", self.role)
        require_text("rationale", self.rationale, max_length=20_000)


def check_provider(conn: Connection, code: str) -> None:
    """NotFoundError unless ``code`` is a provider in the register."""
    found = conn.execute(select(providers.c.code).where(providers.c.code == code)).first()
    if found is None:
        raise NotFoundError("provider", code)


def record(
    conn: Connection,
    who: Actor,
    action: str,
    entity: str,
    key: object,
    payload: Mapping[str, Any],
) -> int:
    """Append the audit row for a change, in the caller's transaction; returns its sequence."""
    entry = audit.append(
        conn,
        actor=who.name,
        role=who.account_role or who.role,
        action=action,
        entity=entity,
        entity_key=str(key),
        payload={
            **{k: _plain(v) for k, v in payload.items()},
            "rationale": who.rationale,
            **({"office": who.role} if who.account_role else {}),
        },
        at=who.at,
    )
    return entry.seq


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):
        return value.value
    return value


def director_cycle() -> DirectorCycle:
    """The Director cycle's lengths from the smq-2013 policy."""
    policy = load_policy("smq-2013")
    return DirectorCycle(
        max_intensive_months=int(policy.parameter("id_intensive_months")),
        maintenance_months=int(policy.parameter("id_maintenance_months")),
        concern_months=int(policy.parameter("id_effectiveness_concern_months")),
    )


def funding_rules() -> FundingRules:
    """Caps, the component's start and the exit window from the smq-2013 and cp policies."""
    smq, cp = load_policy("smq-2013"), load_policy("cp")
    start = smq.parameter("funding_component_start")
    return FundingRules(
        component_start=start if isinstance(start, date) else date.fromisoformat(str(start)),
        caps={
            FundingStage.SMQ_ENTRY: int(smq.parameter("funding_cap_smq_entry")),
            FundingStage.CP: int(cp.parameter("funding_cap_cp")),
            FundingStage.SMQ_EXIT: int(smq.parameter("funding_cap_smq_exit")),
        },
        rule_ids={
            FundingStage.SMQ_ENTRY: smq.rule("smq.funding.entry_available").id,
            FundingStage.CP: cp.rule("cp.funding.available").id,
            FundingStage.SMQ_EXIT: smq.rule("smq.funding.exit_available").id,
        },
        predates_rule=smq.rule("smq.funding.predates_component").id,
        exit_window_months=int(smq.parameter("exit_funding_window_months")),
    )
