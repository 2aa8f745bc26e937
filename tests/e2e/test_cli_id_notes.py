"""``specialmeasures id-notes add|list``: the trust's own Improvement Director writes, the
roles allowed ``id_notes.read`` read (audited), everyone else is refused with exit code 4; and
``users disable`` refuses an administrator disabling their own account."""

from __future__ import annotations

from click.testing import CliRunner

from specialmeasures.access import Accounts
from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli
from specialmeasures.store import audit


def test_id_notes_commands(small_db: tuple[str, Platform]) -> None:
    url, platform = small_db
    book = Accounts(platform.repository)
    book.add("ida", "improvement_director", password=None, providers=["ZA1"], actor="test")
    env = {"SPECIALMEASURES_DATABASE_URL": url}

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    note = ("id-notes", "add", "ZA1", "--on", "2016-05-01", "--text", "Board walk-round held",
            "--role", "Improvement Director", "--rationale", "weekly note")  # fmt: skip
    code, out = run(*note, "--as", "ida")
    assert code == 0, out
    assert out.startswith("note 1: ZA1 2016-05-01")
    code, out = run(*note, "--as", "tara")  # a trust user may not write notes
    assert code == 4
    assert "may not id_notes.write" in out
    code, out = run(*note[:2], "ZA2", *note[3:], "--as", "ida")  # not the Director's trust
    assert code == 4
    code, out = run("id-notes", "list", "ZA1", "--as", "alan", "--format", "csv")
    assert code == 0, out
    assert "Board walk-round held" in out
    code, out = run("id-notes", "list", "ZA1", "--as", "tara")
    assert code == 4
    assert "Board walk-round held" not in out
    with platform.engine.connect() as conn:
        rows = [(e.actor, e.action, e.entity_key) for e in audit.entries(conn)]
        added = next(e for e in audit.entries(conn) if e.action == "id_note.added")
    assert ("ida", "id_note.added", "ZA1") in rows
    assert ("alan", "read.id_notes.read", "ZA1") in rows
    assert ("tara", "access.denied", "ZA1") in rows
    assert "Board" not in str(added.payload)


def test_an_administrator_cannot_disable_themselves(small_db: tuple[str, Platform]) -> None:
    url, platform = small_db
    Accounts(platform.repository).add("root", "administrator", password=None, actor="test")
    result = CliRunner().invoke(cli, ["users", "disable", "root", "--as", "root"],
                                env={"SPECIALMEASURES_DATABASE_URL": url})  # fmt: skip
    assert result.exit_code == 2
    assert "you cannot disable your own account" in result.output
    assert Accounts(platform.repository).get("root").active
