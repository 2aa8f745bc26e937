"""The hash-chained audit log on SQLite and PostgreSQL: appends, verification, tampering."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from specialmeasures.bootstrap import Platform
from specialmeasures.store import audit
from specialmeasures.store.audit_seal import AuditSeal

AT = datetime(2026, 1, 2, 3, 4, 5)


def write(platform: Platform, n: int) -> None:
    with platform.repository.transaction() as conn:
        for i in range(n):
            audit.append(
                conn,
                actor="A. Analyst",
                role="regulator_analyst",
                action="decision.recorded",
                entity="provider",
                entity_key=f"ZA{i}",
                payload={"i": i, "rationale": "test £ é"},
                at=AT,
            )


def problems(platform: Platform) -> list[str]:
    with platform.engine.connect() as conn:
        return [str(p) for p in audit.verify(conn)]


def test_chain_of_appends_verifies(platform: Platform) -> None:
    write(platform, 5)
    assert problems(platform) == []
    with platform.engine.connect() as conn:
        rows = audit.entries(conn)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert rows[2].payload == {"i": 2, "rationale": "test £ é"}


ALTERED = (
    "audit row 3: content was altered after it was written, or its hash was not made with"
    " this installation's audit key (hash mismatch)"
)

#: Every column of audit_log but seq (renumbering is tested below) and a changed value for it.
TAMPERED: dict[str, object] = {
    "recorded_at": datetime(2026, 1, 2, 3, 4, 6),
    "actor": "Someone Else",
    "role": "administrator",
    "action": "decision.exit",
    "entity": "account",
    "entity_key": "ZA9",
    "payload": '{"i":99,"rationale":"test £ é"}',
    "prev_hash": "1" * 64,
    "hash": "2" * 64,
}


@pytest.mark.parametrize("column", sorted(TAMPERED))
def test_every_altered_column_is_named(platform: Platform, column: str) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE audit_log SET {column} = :value WHERE seq = 3"),
            {"value": TAMPERED[column]},
        )
    found = problems(platform)
    assert found, column
    assert all(p.startswith(("audit row 3:", "audit row 4:")) for p in found), found
    if column == "prev_hash":
        assert found[0] == (
            "audit row 3: does not follow the row before it (removed or reordered rows)"
        )
    elif column == "hash":
        assert found[0] == ALTERED
        assert found[1].startswith("audit row 4: does not follow the row before it")
    else:
        assert found == [ALTERED]


def test_removed_row_is_named(platform: Platform) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    found = problems(platform)
    assert found[0] == "audit row 3: expected row 2 here: rows 2..2 were removed"
    assert "audit row 3: does not follow the row before it" in found[1]


def test_reordered_rows_are_named(platform: Platform) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET seq = 100 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_log SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_log SET seq = 3 WHERE seq = 100"))
    found = problems(platform)
    assert found
    assert found[0].startswith("audit row 2:")


def test_audit_row_rolls_back_with_its_transaction(platform: Platform) -> None:
    write(platform, 1)
    with pytest.raises(RuntimeError), platform.repository.transaction() as conn:
        audit.append(
            conn, actor="x", role="y", action="z", entity="e", entity_key="k", payload={}, at=AT
        )
        raise RuntimeError("the change failed")
    with platform.engine.connect() as conn:
        assert len(audit.entries(conn)) == 1
    assert problems(platform) == []


def test_seq_renumbered_to_close_a_gap_is_named(platform: Platform) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        conn.execute(text("UPDATE audit_log SET seq = seq - 1 WHERE seq > 2"))
    found = problems(platform)
    assert found[0].startswith("audit row 2: does not follow the row before it")
    assert any(p.startswith("audit row 2: content was altered") for p in found)


def test_head_row_deleted_is_named(platform: Platform) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
    found = problems(platform)
    assert found[0] == "audit row 2: expected row 1 here: rows 1..1 were removed"
    assert found[1].startswith("audit row 2: does not follow the row before it")


@pytest.mark.parametrize("kept", [3, 1])
def test_tail_deleted_is_named(platform: Platform, kept: int) -> None:
    write(platform, 5)
    with platform.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM audit_log WHERE seq > {kept}"))
    found = problems(platform)
    assert len(found) == 1
    assert found[0].startswith(
        f"audit row 5: rows {kept + 1}..5 were removed from the end: the checkpoint at"
    )
    assert found[0].endswith(f"records 5 rows, the log ends at row {kept}")


def test_all_rows_deleted_is_named(platform: Platform) -> None:
    write(platform, 3)
    with platform.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    found = problems(platform)
    assert len(found) == 1
    assert found[0].startswith("audit row 3: all rows were removed: the checkpoint at")
    assert found[0].endswith("records 3 rows, the log is empty")


def _recompute_without_key(platform: Platform, digest: Callable[[str], str]) -> None:
    """Rewrite every row's hashes as a tamperer who knows the format but not the key would."""
    with platform.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
        prev = audit.GENESIS
        for r in rows:
            actor = "Someone Else" if r["seq"] == 2 else r["actor"]
            body = json.dumps(
                {
                    "seq": r["seq"],
                    "recorded_at": r["recorded_at"].replace(microsecond=0).isoformat()
                    if isinstance(r["recorded_at"], datetime)
                    else datetime.fromisoformat(str(r["recorded_at"])).isoformat(),
                    "actor": actor,
                    "role": r["role"],
                    "action": r["action"],
                    "entity": r["entity"],
                    "entity_key": r["entity_key"],
                    "payload": r["payload"],
                },
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            new = digest(prev + body)
            conn.execute(
                text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                {"a": actor, "p": prev, "h": new, "s": r["seq"]},
            )
            prev = new


def test_chain_recomputed_without_the_key_fails(platform: Platform) -> None:
    write(platform, 4)
    _recompute_without_key(platform, lambda m: hashlib.sha256(m.encode()).hexdigest())
    found = problems(platform)
    # Every row is named: none of the recomputed digests was made with the key.
    assert [p.split(":")[0] for p in found if "hash mismatch" in p] == [
        f"audit row {i}" for i in (1, 2, 3, 4)
    ]
    # The checkpointed head no longer matches either.
    assert any("differs from the checkpointed head" in p for p in found)


def test_chain_recomputed_with_the_key_verifies(platform: Platform) -> None:
    """The control for the test above: the same recomputation with the key is accepted."""
    write(platform, 4)
    with platform.engine.connect() as conn:
        seal = audit.seal_of(conn)
    _recompute_without_key(platform, seal.digest)
    found = problems(platform)
    # Only the checkpoint, written before the rewrite, can tell.
    assert len(found) == 1
    assert "differs from the checkpointed head" in found[0]


def test_a_missing_or_forged_checkpoint_is_named(platform: Platform) -> None:
    write(platform, 2)
    with platform.engine.connect() as conn:
        seal = audit.seal_of(conn)
    assert seal.checkpoint_file is not None
    data = json.loads(seal.checkpoint_file.read_text())
    assert data["rows"] == 2
    seal.checkpoint_file.write_text(json.dumps({**data, "rows": 1}))
    assert problems(platform) == [
        f"audit row 1: the checkpoint at {seal.checkpoint_file} was altered (MAC mismatch)"
    ]
    seal.checkpoint_file.unlink()
    found = problems(platform)
    assert len(found) == 1
    assert found[0].startswith("audit row 2: no checkpoint at")
    with platform.engine.connect() as conn:
        assert audit.checkpoint(conn) == (2, audit.entries(conn)[-1].hash)
    assert problems(platform) == []


def test_another_key_does_not_verify(platform: Platform, tmp_path: Path) -> None:
    write(platform, 2)
    other = AuditSeal.load(tmp_path / "other.audit-key", None)
    with platform.engine.connect() as conn:
        found = audit.verify(conn, other)
    assert [p.seq for p in found] == [1, 2]


def test_checkpoint_follows_commits_not_rollbacks(platform: Platform) -> None:
    write(platform, 2)
    with platform.engine.connect() as conn:
        seal = audit.seal_of(conn)
    with pytest.raises(RuntimeError), platform.repository.transaction() as conn:
        audit.append(
            conn, actor="x", role="y", action="z", entity="e", entity_key="k", payload={}, at=AT
        )
        raise RuntimeError("the change failed")
    point = seal.read_checkpoint()
    assert point is not None
    assert point.rows == 2
    write(platform, 1)
    point = seal.read_checkpoint()
    assert point is not None
    assert point.rows == 3
    assert problems(platform) == []
