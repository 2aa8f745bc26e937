"""Entering judgements: facts only a person can supply, with who, when and why, audited.

A judgement's name is the fact name without its ``judgement.`` prefix (the rules engine sees
``judgement.leadership_cannot_fix``). When a packaged policy declares the fact, the value must
have the declared type (true/false for a boolean).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from specialmeasures.domain import InputError, Judgement
from specialmeasures.domain.judgement import JudgementValue
from specialmeasures.rules import load_policies
from specialmeasures.store import Repository, audit
from specialmeasures.store.regime_store import add_judgement, judgements_of

__all__ = ["EnteredJudgement", "declared_type", "enter_judgement", "list_judgements", "parse_value"]

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def declared_type(name: str) -> str | None:
    """The type a packaged policy declares for ``judgement.<name>`` (None if none does)."""
    for policy in load_policies():
        spec = policy.facts.get(f"judgement.{name}")
        if spec is not None:
            return spec.type
    return None


def parse_value(text: str, type_: str | None) -> JudgementValue:
    """``text`` as the declared type; undeclared: true/false, then a number, then text.

    >>> parse_value("yes", "boolean"), parse_value("2.5", None), parse_value("weak", None)
    (True, 2.5, 'weak')
    """
    low = text.strip().lower()
    if type_ == "boolean" or (type_ is None and low in _TRUE | _FALSE):
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise InputError("must be true or false (yes/no)", column="--value", value=text)
    if type_ in ("number", None):
        try:
            number = float(low)
        except ValueError:
            if type_ == "number":
                raise InputError("must be a number", column="--value", value=text) from None
            return text.strip()
        return int(number) if number.is_integer() and "." not in low else number
    return text.strip()


@dataclass(frozen=True, slots=True)
class EnteredJudgement:
    judgement: Judgement
    role: str
    audit_seq: int

    def line(self) -> str:
        j = self.judgement
        return (
            f"judgement {j.id}: {j.provider_code} judgement.{j.name} = {j.value!r}"
            f" from {j.entered_on} by {j.entered_by} ({self.role}) (audit row {self.audit_seq})"
        )


def enter_judgement(
    repository: Repository,
    *,
    provider_code: str,
    fact: str,
    value: str,
    actor: str,
    role: str,
    rationale: str,
    on: date,
    recorded_at: datetime,
    account_role: str | None = None,
) -> EnteredJudgement:
    """Validate and store one judgement with its audit row, in one transaction.

    With ``account_role`` (the acting account's permission role), the audit row carries it as
    the role and ``role`` (the office, e.g. Chief Inspector of Hospitals) as ``office``.
    """
    repository.provider(provider_code)
    name = fact.removeprefix("judgement.")
    parsed = parse_value(value, declared_type(name))
    judgement = Judgement(provider_code, name, parsed, actor, on, rationale)
    if not role or not role.strip():
        raise InputError("must be non-empty text", column="--role", value=role)
    with repository.transaction() as conn:
        new_id = add_judgement(conn, judgement, role=role, recorded_at=recorded_at)
        entry = audit.append(
            conn,
            actor=actor,
            role=account_role or role,
            action="judgement.add",
            entity="provider",
            entity_key=provider_code,
            payload={
                "judgement_id": new_id,
                "fact": f"judgement.{name}",
                "value": parsed,
                "on": on.isoformat(),
                "rationale": rationale,
                **({"office": role} if account_role else {}),
            },
            at=recorded_at,
        )
    stored = Judgement(provider_code, name, parsed, actor, on, rationale, new_id)
    return EnteredJudgement(stored, role, entry.seq)


def list_judgements(repository: Repository, code: str) -> list[Judgement]:
    repository.provider(code)
    with repository.engine.connect() as conn:
        return judgements_of(conn, code)
