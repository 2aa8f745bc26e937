"""Account management at the command line acts as an administrator once one exists."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.settings import Settings
from specialmeasures.store import audit


def test_users_commands_act_as_an_administrator(sqlite_url: str) -> None:
    runner = CliRunner()
    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    assert run("db", "upgrade")[0] == 0
    # A new installation: the first administrator is created without an account.
    assert run("users", "add", "root", "--role", "administrator", "--generate")[0] == 0
    code, out = run("users", "add", "ana", "--role", "regulator_analyst", "--generate")
    assert code == 4
    assert "an administrator account exists: act as one with --as USERNAME" in out
    code, out = run("users", "add", "ana", "--role", "regulator_analyst", "--generate",
                    "--as", "root")  # fmt: skip
    assert code == 0, out
    code, out = run("users", "disable", "root", "--as", "ana")
    assert code == 4
    assert "ana may not accounts.manage: role regulator_analyst may not accounts.manage" in out
    platform = bootstrap(Settings(database_url=sqlite_url))
    try:
        with platform.engine.connect() as conn:
            rows = [(e.actor, e.role, e.action, e.entity_key) for e in audit.entries(conn)]
            assert audit.verify(conn) == []
    finally:
        platform.close()
    assert rows == [
        ("cli", "cli", "account.create", "root"),
        ("root", "administrator", "account.create", "ana"),
        ("ana", "regulator_analyst", "access.denied", "accounts.manage"),
    ]


def test_imports_act_as_an_account_once_accounts_exist(sqlite_url: str) -> None:
    from cqc_samples import SNAPSHOT_2019

    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    assert run("db", "upgrade")[0] == 0
    assert run("users", "add", "root", "--role", "administrator", "--generate")[0] == 0
    assert run("users", "add", "alan", "--role", "regulator_analyst", "--generate",
               "--as", "root")[0] == 0  # fmt: skip
    assert run("users", "add", "dana", "--role", "regulator_decision_maker", "--generate",
               "--as", "root")[0] == 0  # fmt: skip
    code, out = run("import", "cqc-ratings", str(SNAPSHOT_2019))
    assert code == 4
    assert "accounts exist: act as one allowed data.import with --as USERNAME" in out
    code, out = run("import", "cqc-ratings", str(SNAPSHOT_2019), "--as", "dana")
    assert code == 4
    assert "dana may not data.import" in out
    code, out = run("import", "cqc-ratings", str(SNAPSHOT_2019), "--as", "alan")
    assert code == 0, out
    platform = bootstrap(Settings(database_url=sqlite_url))
    try:
        with platform.engine.connect() as conn:
            imported = [e for e in audit.entries(conn) if e.entity == "import"]
            assert audit.verify(conn) == []
    finally:
        platform.close()
    assert [e.actor for e in imported] == ["alan"]


def test_evidence_import_acts_as_an_account_once_accounts_exist(
    sqlite_url: str, tmp_path: Path
) -> None:
    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    assert run("db", "upgrade")[0] == 0
    book = tmp_path / "codes.csv"
    book.write_text("code,family,label,description\nnew_code,other,A new code,d\n")
    assert run("users", "add", "root", "--role", "administrator", "--generate")[0] == 0
    code, out = run("evidence", "import", str(book))
    assert code == 4
    assert "accounts exist: act as one allowed data.import with --as USERNAME" in out
    code, out = run("evidence", "import", str(book), "--as", "root")
    assert code == 0, out
    platform = bootstrap(Settings(database_url=sqlite_url))
    try:
        with platform.engine.connect() as conn:
            imported = [e for e in audit.entries(conn) if e.action == "evidence.imported"]
    finally:
        platform.close()
    assert [(e.actor, e.role) for e in imported] == [("root", "data import (command line)")]
