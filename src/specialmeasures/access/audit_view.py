"""The audit log as its readers see it: filtered, a page at a time, reads told from writes.

Every decision, import and change is in the hash-chained audit log (``store.audit``), and so is
every confidential read, refusal and sign-in. A reader asks two kinds of question of it ("who
changed this?" and "who looked at this?"), so each row is classed as a **write** (a change to
the data) or a **read** (who looked or tried: ``read.*`` views, ``access.*`` refusals,
``login.*`` and ``logout``), by the same rule as the data version the caches key on. Actors are
named one way everywhere: ``username (role)``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, not_, or_, select

from specialmeasures.access.policy import Role
from specialmeasures.domain import InputError
from specialmeasures.store.tables import accounts, audit_log

__all__ = [
    "AUDIT_COLUMNS",
    "KINDS",
    "WITHHELD",
    "AuditFilter",
    "account_roles",
    "actor_name",
    "kind_of",
    "named",
    "search",
    "withhold_regime_content",
]

_ROLE_LABELS = {r.value: r.label for r in Role}
_ROLE_VALUE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
#: Prefixes of actions that record who looked or tried, not a change to the data.
READ_PREFIXES = ("read.", "access.", "login.", "logout")
KINDS = ("all", "read", "write")
AUDIT_COLUMNS = (
    "seq", "recorded_at", "who", "action", "kind", "entity", "entity_key", "details",
)  # fmt: skip
#: Rows on a page (and the most a page may ask for).
PER_PAGE = 100
MAX_PER_PAGE = 500
#: Characters of a row's payload shown in the table (the JSON twin has it whole).
DETAILS_CHARS = 160


def kind_of(action: str) -> str:
    """``"read"`` for who looked or tried, ``"write"`` for a change.

    >>> kind_of("read.watchlist.read"), kind_of("access.denied"), kind_of("decision.enter")
    ('read', 'read', 'write')
    """
    return "read" if action.startswith(READ_PREFIXES) else "write"


def actor_name(username: str, role: str | None) -> str:
    """The one way an actor is named: ``username (role)``, the role by its name when it is an
    account's role (else the office or system recorded, as written).

    >>> actor_name("ana", "regulator_analyst"), actor_name("demo", "system")
    ('ana (Regulator analyst)', 'demo (system)')
    >>> actor_name("Dr A (synthetic)", "")
    'Dr A (synthetic)'
    """
    if not role:
        return username
    label = _ROLE_LABELS.get(role, role.replace("_", " ") if _ROLE_VALUE.match(role) else role)
    return f"{username} ({label})"


def account_roles(engine: Engine) -> dict[str, str]:
    """Every account's username and role: an account's role never changes (there is no way to
    change it), so a name recorded by an account is named with that role on every page."""
    with engine.connect() as conn:
        return {str(u): str(r) for u, r in conn.execute(select(accounts.c.username,
                                                               accounts.c.role))}  # fmt: skip


def named(name: str | None, role: str | None, roles: dict[str, str]) -> str:
    """``name`` as :func:`actor_name` names it: an account by its role (``roles``, from
    :func:`account_roles`), anyone else by the role or office recorded with the change."""
    if not name:
        return "–"
    return actor_name(name, roles.get(name) or role)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What to show: each text filter matches the start of the field (case-insensitive for
    the actor), dates are inclusive, ``kind`` is all, read or write."""

    entity: str | None = None
    action: str | None = None
    actor: str | None = None
    start: date | None = None
    end: date | None = None
    kind: str = "all"
    page: int = 1
    per_page: int = PER_PAGE

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"kind: must be one of {', '.join(KINDS)}", value=self.kind)
        if self.page < 1:
            raise InputError("page: must be 1 or more", value=self.page)
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"per_page: must be 1 to {MAX_PER_PAGE}", value=self.per_page)
        if self.start and self.end and self.start > self.end:
            raise InputError("from: must not be after to", value=self.start.isoformat())

    def conditions(self) -> list[ColumnElement[bool]]:
        c = audit_log.c
        out: list[ColumnElement[bool]] = []
        if self.entity:
            out.append(c.entity.startswith(self.entity, autoescape=True))
        if self.action:
            out.append(c.action.startswith(self.action, autoescape=True))
        if self.actor:
            out.append(func.lower(c.actor).startswith(self.actor.lower(), autoescape=True))
        if self.start:
            out.append(c.recorded_at >= datetime.combine(self.start, time.min))
        if self.end:
            out.append(c.recorded_at < datetime.combine(self.end + timedelta(days=1), time.min))
        reads = or_(*(c.action.startswith(p, autoescape=True) for p in READ_PREFIXES))
        if self.kind == "read":
            out.append(reads)
        elif self.kind == "write":
            out.append(not_(reads))
        return out

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("start", "end"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def _details(payload: str) -> str:
    try:
        value = json.loads(payload)
    except ValueError:
        value = payload
    if isinstance(value, dict):
        text = "; ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= DETAILS_CHARS else text[: DETAILS_CHARS - 1] + "…"


def search(engine: Engine, wanted: AuditFilter) -> dict[str, Any]:
    """One page of the audit log, newest first, with the total that matched."""
    where = and_(*wanted.conditions()) if wanted.conditions() else None
    count = select(func.count()).select_from(audit_log)
    query = select(audit_log).order_by(audit_log.c.seq.desc())
    if where is not None:
        count = count.where(where)
        query = query.where(where)
    query = query.limit(wanted.per_page).offset((wanted.page - 1) * wanted.per_page)
    with engine.connect() as conn:
        total = int(conn.execute(count).scalar_one())
        rows = conn.execute(query).all()
    return {
        "total": total,
        "page": wanted.page,
        "pages": max(1, -(-total // wanted.per_page)),
        "filters": wanted.as_dict(),
        "columns": list(AUDIT_COLUMNS),
        "rows": [
            {
                "seq": r.seq,
                "recorded_at": r.recorded_at.isoformat(sep=" ", timespec="seconds"),
                "who": actor_name(r.actor, r.role),
                "actor": r.actor,
                "role": r.role,
                "action": r.action,
                "kind": kind_of(r.action),
                "entity": r.entity,
                "entity_key": r.entity_key,
                "details": _details(r.payload),
                "payload": r.payload,
            }
            for r in rows
        ],
    }


#: What a reader without ``confidential.read`` sees instead of a row's details.
WITHHELD = "withheld: regime content (confidential)"
#: Actions whose payloads carry no regime content: accounts, sign-in, refusals and reads (a path
#: and a client address). Every other row may name a CP placement, a decision under
#: consideration or watch-list content in its payload.
CONTENT_FREE = ("account.", "login.", "logout", "access.", "read.")


def withhold_regime_content(found: dict[str, Any]) -> dict[str, Any]:
    """``found`` with the details and payload of every row that may carry regime content
    replaced by ``WITHHELD``: for readers of the log who may not know CP status (the
    administrator keeps the log without being a regulator). Who did what, when, to which entity
    stays; what the change said does not."""
    rows = []
    for row in found["rows"]:
        if not row["action"].startswith(CONTENT_FREE):
            row = {**row, "details": WITHHELD, "payload": None}
        rows.append(row)
    return {**found, "rows": rows}
