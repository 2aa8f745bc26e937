"""The audit key and checkpoint files: created once, private, never moved backwards."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from specialmeasures.settings import Settings
from specialmeasures.store.audit_seal import AuditKeyError, AuditSeal


def test_key_is_created_private_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "db.audit-key"
    first = AuditSeal.load(key_file, None)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.key) == 32
    assert AuditSeal.load(key_file, None).key == first.key
    assert first.digest("x") != AuditSeal.load(tmp_path / "other", None).digest("x")
    assert first.key.hex() not in repr(first)


@pytest.mark.parametrize(
    ("text", "message"), [("zz", "not hexadecimal"), ("abcd", "at least 16 are needed")]
)
def test_a_bad_key_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    key_file = tmp_path / "bad.audit-key"
    key_file.write_text(text)
    with pytest.raises(AuditKeyError, match=message):
        AuditSeal.load(key_file, None)


def test_checkpoint_only_moves_forward_unless_forced(tmp_path: Path) -> None:
    seal = AuditSeal.load(tmp_path / "k", tmp_path / "k.audit-head")
    assert seal.read_checkpoint() is None
    assert seal.write_checkpoint(5, "a" * 64)
    assert not seal.write_checkpoint(4, "b" * 64)
    point = seal.read_checkpoint()
    assert point is not None
    assert (point.rows, point.head_hash) == (5, "a" * 64)
    assert seal.checkpoint_is_genuine(point)
    assert seal.write_checkpoint(4, "b" * 64, force=True)
    point = seal.read_checkpoint()
    assert point is not None
    assert point.rows == 4


def test_default_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.db"
    key, head = Settings(database_url=f"sqlite:///{db}").audit_files() or (None, None)
    assert (key, head) == (Path(f"{db}.audit-key"), Path(f"{db}.audit-head"))
    assert Settings(database_url="sqlite://").audit_files() is None
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    pg = Settings(database_url="postgresql+psycopg://u:secret@db.example:5433/sm").audit_files()
    assert pg == (
        tmp_path / "state/specialmeasures/db.example-5433-sm.audit-key",
        tmp_path / "state/specialmeasures/db.example-5433-sm.audit-head",
    )
    chosen = Settings(
        database_url=f"sqlite:///{db}", audit_key_file="/k/key", audit_checkpoint_file="/c/head"
    ).audit_files()
    assert chosen == (Path("/k/key"), Path("/c/head"))
