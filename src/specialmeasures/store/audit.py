"""The audit log: append-only and hash-chained, written in the same transaction as each change.

Each row's ``hash`` is the SHA-256 of the previous row's hash and a canonical JSON rendering of
the row's own fields, so altering, removing or reordering any row breaks the chain from that row
on; ``verify`` walks the chain and names the first row where it breaks and why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from specialmeasures.store import data_version
from specialmeasures.store.tables import audit_log

__all__ = ["GENESIS", "AuditEntry", "AuditProblem", "append", "entries", "verify"]

#: The ``prev_hash`` of the first row.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    recorded_at: datetime
    actor: str
    role: str
    action: str
    entity: str
    entity_key: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditProblem:
    """Where the chain breaks: the row (by sequence number) and what is wrong with it."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.seq}: {self.problem}"


def _canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False
    )


def _digest(
    prev_hash: str, seq: int, recorded_at: datetime, fields: Mapping[str, str], payload: str
) -> str:
    body = _canonical(
        {
            "seq": seq,
            "recorded_at": recorded_at.replace(microsecond=0).isoformat(),
            **fields,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(
    conn: Connection,
    *,
    actor: str,
    role: str,
    action: str,
    entity: str,
    entity_key: str,
    payload: Mapping[str, Any],
    at: datetime,
) -> AuditEntry:
    """Append one row to the chain inside the caller's transaction and return it."""
    query = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    if conn.dialect.name == "postgresql":
        # Serialise writers: the next row's seq and prev_hash depend on the last row.
        query = query.with_for_update()
    last = conn.execute(query).first()
    seq, prev_hash = (1, GENESIS) if last is None else (int(last.seq) + 1, str(last.hash))
    recorded_at = at.replace(microsecond=0, tzinfo=None)
    fields = {
        "actor": actor,
        "role": role,
        "action": action,
        "entity": entity,
        "entity_key": entity_key,
    }
    text = _canonical(payload)
    digest = _digest(prev_hash, seq, recorded_at, fields, text)
    conn.execute(
        insert(audit_log).values(
            seq=seq,
            recorded_at=recorded_at,
            payload=text,
            prev_hash=prev_hash,
            hash=digest,
            **fields,
        )
    )
    if data_version.changes_data(action):  # reads are audited too; caches key on changes only
        data_version.bump(conn)
    return AuditEntry(
        seq, recorded_at, actor, role, action, entity, entity_key, dict(payload), prev_hash, digest
    )


def entries(
    conn: Connection, *, entity: str | None = None, entity_key: str | None = None
) -> list[AuditEntry]:
    """Audit rows in order, optionally only those about one entity (and key)."""
    query = select(audit_log).order_by(audit_log.c.seq)
    if entity is not None:
        query = query.where(audit_log.c.entity == entity)
    if entity_key is not None:
        query = query.where(audit_log.c.entity_key == entity_key)
    return [
        AuditEntry(
            r.seq,
            r.recorded_at,
            r.actor,
            r.role,
            r.action,
            r.entity,
            r.entity_key,
            json.loads(r.payload),
            r.prev_hash,
            r.hash,
        )
        for r in conn.execute(query)
    ]


def verify(conn: Connection) -> list[AuditProblem]:
    """Walk the chain; return every row where it breaks (empty list: intact)."""
    problems: list[AuditProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
        fields = {
            "actor": r.actor,
            "role": r.role,
            "action": r.action,
            "entity": r.entity,
            "entity_key": r.entity_key,
        }
        if r.seq != expected_seq:
            problems.append(
                AuditProblem(
                    r.seq,
                    f"expected row {expected_seq} here: rows {expected_seq}..{r.seq - 1} were removed",
                )
                if r.seq > expected_seq
                else AuditProblem(r.seq, "sequence number out of order")
            )
        if r.prev_hash != expected_prev:
            problems.append(
                AuditProblem(r.seq, "does not follow the row before it (removed or reordered rows)")
            )
        recomputed = _digest(r.prev_hash, r.seq, r.recorded_at, fields, r.payload)
        if recomputed != r.hash:
            problems.append(
                AuditProblem(r.seq, "content was altered after it was written (hash mismatch)")
            )
        expected_prev = r.hash
        expected_seq = r.seq + 1
    return problems
