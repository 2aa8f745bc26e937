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
from specialmeasures.rules import Policy, load_policy
from specialmeasures.rules.policy import PLACEHOLDER
from specialmeasures.store import audit
from specialmeasures.store.tables import providers

__all__ = [
    "Actor",
    "check_provider",
    "director_cycle",
    "funding_rules",
    "record",
    "rule_text",
]


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
    """Caps, the component's start, the exit window and each rule's text from the policies:
    smq-2013 and cp (the seed's era), rsp-2025 and pip-2025 (today's regime, whose caps are
    illustrative: none is published)."""
    smq, cp = load_policy("smq-2013"), load_policy("cp")
    rsp, pip = load_policy("rsp-2025"), load_policy("pip-2025")
    start = smq.parameter("funding_component_start")
    rules = {
        FundingStage.SMQ_ENTRY: (smq, "smq.funding.entry_available", "funding_cap_smq_entry"),
        FundingStage.CP: (cp, "cp.funding.available", "funding_cap_cp"),
        FundingStage.SMQ_EXIT: (smq, "smq.funding.exit_available", "funding_cap_smq_exit"),
        FundingStage.RSP: (rsp, "rsp.funding.available", "funding_cap_rsp"),
        FundingStage.PIP: (pip, "pip.funding.available", "funding_cap_pip"),
    }
    texts = {
        rule_id: rule_text(policy, rule_id)
        for policy, rule_id in [(p, r) for p, r, _ in rules.values()]
        + [(smq, "smq.funding.predates_component")]
    }
    return FundingRules(
        component_start=start if isinstance(start, date) else date.fromisoformat(str(start)),
        caps={stage: int(p.parameter(cap)) for stage, (p, _, cap) in rules.items()},
        rule_ids={stage: p.rule(rule_id).id for stage, (p, rule_id, _) in rules.items()},
        predates_rule=smq.rule("smq.funding.predates_component").id,
        exit_window_months=int(smq.parameter("exit_funding_window_months")),
        rule_texts=texts,
    )


def rule_text(policy: Policy, rule_id: str) -> str:
    """A rule's title and explanation, its parameters filled in, as the policy words them."""
    rule = policy.rule(rule_id)
    explain = PLACEHOLDER.sub(lambda m: policy.parameters[m.group(1)].display(), rule.explain)
    return f"{rule.title}. {' '.join(explain.split())}"
