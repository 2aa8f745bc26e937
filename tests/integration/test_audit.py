"""The hash-chained audit log on SQLite and PostgreSQL: appends, verification, tampering."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from sqlalchemy import text

from specialmeasures.bootstrap import Platform
from specialmeasures.store import audit

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


def test_altered_row_is_named(platform: Platform) -> None:
    write(platform, 4)
    with platform.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'Someone Else' WHERE seq = 3"))
    assert problems(platform) == [
        "audit row 3: content was altered after it was written (hash mismatch)"
    ]


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
