"""The audit log: append-only and hash-chained, written in the same transaction as each change.

Each row's ``hash`` is an HMAC-SHA256, under a key kept outside the database
(``store.audit_seal``), of the previous row's hash and a canonical JSON rendering of the row's
own fields (every column but the hash itself), so altering, removing or reordering any row breaks
the chain from that row on, and a chain recomputed without the key does not verify. Appends are
serialised (``store.locks``): writers in many processes queue for the head instead of colliding
on the next sequence number. After each commit that appends, the head (row count and hash) is
checkpointed outside the table, so deleting the last rows, or all of them, is detected too.
``verify`` walks the chain and names every row where it breaks and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from specialmeasures.store import data_version, locks
from specialmeasures.store.audit_seal import AuditKeyError, AuditSeal, Checkpoint
from specialmeasures.store.tables import audit_log

__all__ = [
    "GENESIS",
    "AuditEntry",
    "AuditProblem",
    "append",
    "checkpoint",
    "entries",
    "install",
    "seal_of",
    "transaction",
    "verify",
]

#: The execution option that carries an engine's seal to every connection.
_SEAL_OPTION = "specialmeasures_audit_seal"
#: Where an append leaves the head it wrote, for the checkpoint after commit.
_PENDING = "specialmeasures_audit_head"

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
    seal: AuditSeal,
    prev_hash: str,
    seq: int,
    recorded_at: datetime,
    fields: Mapping[str, str],
    payload: str,
) -> str:
    body = _canonical(
        {
            "seq": seq,
            "recorded_at": recorded_at.replace(microsecond=0).isoformat(),
            **fields,
            "payload": payload,
        }
    )
    return seal.digest(prev_hash + body)


def install(engine: Engine, seal: AuditSeal) -> None:
    """Make ``seal`` the key and checkpoint of every audit append through ``engine``."""
    engine.update_execution_options(**{_SEAL_OPTION: seal})


def seal_of(conn: Connection) -> AuditSeal:
    """The seal installed on ``conn``'s engine (``bootstrap`` installs one)."""
    seal = conn.get_execution_options().get(_SEAL_OPTION)
    if not isinstance(seal, AuditSeal):
        raise AuditKeyError(
            "no audit key is configured for this database connection: open the database"
            " through specialmeasures.bootstrap (which reads the audit key file)"
        )
    return seal


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction; after it commits, the head it appended (if any) is checkpointed."""
    head: tuple[int, str] | None = None
    with engine.begin() as conn:
        conn.info.pop(_PENDING, None)
        try:
            yield conn
        finally:
            head = conn.info.pop(_PENDING, None)
        seal = conn.get_execution_options().get(_SEAL_OPTION)
    if head is not None and isinstance(seal, AuditSeal):
        seal.write_checkpoint(*head)


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
    """Append one row to the chain inside the caller's transaction and return it.

    Holds the chain's write lock until the caller's transaction ends: the next row's ``seq``
    and ``prev_hash`` depend on the last committed row.
    """
    seal = seal_of(conn)
    locks.hold(conn, "audit_log")
    query = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
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
    digest = _digest(seal, prev_hash, seq, recorded_at, fields, text)
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
    conn.info[_PENDING] = (seq, digest)
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


def verify(conn: Connection, seal: AuditSeal | None = None) -> list[AuditProblem]:
    """Walk the chain and compare its head with the checkpoint; every problem (empty: intact).

    ``seal`` defaults to the one installed on ``conn``'s engine.
    """
    seal = seal or seal_of(conn)
    point = seal.read_checkpoint()
    genuine = point is not None and seal.checkpoint_is_genuine(point)
    problems: list[AuditProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    last: tuple[int, str] | None = None
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
        recomputed = _digest(seal, r.prev_hash, r.seq, r.recorded_at, fields, r.payload)
        if recomputed != r.hash:
            problems.append(
                AuditProblem(
                    r.seq,
                    "content was altered after it was written, or its hash was not made with"
                    " this installation's audit key (hash mismatch)",
                )
            )
        if genuine and point is not None and r.seq == point.rows and r.hash != point.head_hash:
            problems.append(
                AuditProblem(
                    r.seq,
                    f"differs from the checkpointed head at {seal.checkpoint_file} (hash"
                    f" {point.head_hash[:12]}... recorded, {str(r.hash)[:12]}... found)",
                )
            )
        expected_prev = r.hash
        expected_seq = r.seq + 1
        last = (int(r.seq), str(r.hash))
    problems.extend(_check_head(seal, point, last))
    return problems


def _check_head(
    seal: AuditSeal, point: Checkpoint | None, last: tuple[int, str] | None
) -> list[AuditProblem]:
    if seal.checkpoint_file is None:
        return []
    where = seal.checkpoint_file
    if point is None:
        if last is None:
            return []
        return [
            AuditProblem(
                last[0],
                f"no checkpoint at {where}: the removal of the last rows cannot be ruled out"
                " (after checking the log, run 'specialmeasures audit checkpoint')",
            )
        ]
    if not seal.checkpoint_is_genuine(point):
        return [AuditProblem(point.rows, f"the checkpoint at {where} was altered (MAC mismatch)")]
    if last is None:
        if point.rows == 0:
            return []
        return [
            AuditProblem(
                point.rows,
                f"all rows were removed: the checkpoint at {where} records {point.rows} rows,"
                " the log is empty",
            )
        ]
    if last[0] < point.rows:
        return [
            AuditProblem(
                point.rows,
                f"rows {last[0] + 1}..{point.rows} were removed from the end: the checkpoint at"
                f" {where} records {point.rows} rows, the log ends at row {last[0]}",
            )
        ]
    return []


def checkpoint(conn: Connection, seal: AuditSeal | None = None) -> tuple[int, str]:
    """Write the current head to the checkpoint, replacing it; returns (rows, hash).

    The caller verifies first: this records whatever head the table has now.
    """
    seal = seal or seal_of(conn)
    last = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    head = (0, GENESIS) if last is None else (int(last.seq), str(last.hash))
    seal.write_checkpoint(*head, force=True)
    return head
