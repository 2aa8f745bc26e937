"""The foundation commands, run as a user runs them (click's runner, real SQLite files)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli


def run(args: list[str], url: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env={"SPECIALMEASURES_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output
        for sub in getattr(command, "commands", {}):
            assert runner.invoke(cli, [name, sub, "--help"]).exit_code == 0, f"{name} {sub}"


def test_db_upgrade_builds_an_empty_database_then_is_idempotent(sqlite_url: str) -> None:
    code, out, _ = run(["db", "upgrade"], sqlite_url)
    assert code == 0
    assert "upgraded from empty to" in out
    code, out, _ = run(["db", "upgrade"], sqlite_url)
    assert code == 0
    assert "already at the newest migration" in out


def test_providers_as_csv_and_json(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, out, _ = run(["providers", "--as-of", "2014-06-01", "--format", "csv"], url)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == ["ZA1", "ZA2", "ZA3"]
    za1 = rows[0]
    assert za1["overall_rating"] == "Inadequate"
    assert za1["regime_status"] == "Special measures for quality"
    code, out, _ = run(["providers", "--as-of", "2016-06-01", "--format", "json"], url)
    data = {r["code"]: r for r in json.loads(out)}
    assert data["ZA1"]["overall_rating"] == "Requires improvement"
    assert data["ZA3"]["regime_status"] == "None"  # the CP list is confidential by default


def test_providers_include_confidential_shows_the_cp_list(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, out, _ = run(
        ["providers", "--as-of", "2016-06-01", "--format", "json", "--include-confidential"], url
    )
    assert code == 0
    data = {r["code"]: r for r in json.loads(out)}
    assert data["ZA3"]["regime_status"] == "Challenged provider"


def test_providers_table_is_titled_with_the_dataset_label(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, out, _ = run(["providers", "--as-of", "2014-06-01"], url)
    assert code == 0
    assert "Synthetic test data" in out
    assert "ZA1" in out


def test_provider_shows_ratings_and_episodes(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, out, _ = run(["provider", "za1", "--as-of", "2016-01-01"], url)
    assert code == 0
    assert "synthetic demonstration data" in out
    assert "Well-led     Requires improvement (published 2015-04-01)" in out
    assert "Special measures for quality: 2014-03-15 to 2015-06-01" in out
    code, out, _ = run(["provider", "ZA1", "--format", "json", "--as-of", "2014-04-01"], url)
    assert json.loads(out)["regime_status"] == ["Special measures for quality"]


def test_unknown_provider_is_a_one_line_error(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, out, err = run(["provider", "ZZZ"], url)
    assert code == 1
    assert err == "error: unknown provider: 'ZZZ'\n"
    assert out == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://u@localhost/x", "unsupported database 'mysql'"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot connect to"),
        ("sqlite:////no/such/folder/x.db", "folder /no/such/folder does not exist"),
    ],
)
def test_bad_database_url_is_a_one_line_error(url: str, expected: str) -> None:
    code, _, err = run(["providers"], url)
    assert code == 1
    assert err.startswith("error: ")
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_database_at_unknown_migration_is_a_one_line_error(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zz99'"))
    engine.dispose()
    code, _, err = run(["providers"], url)
    assert code == 1
    assert "is at migration 'zz99', which this version of specialmeasures does not know" in err
    assert err.count("\n") == 1


def test_empty_database_asks_for_an_upgrade(tmp_path: Path) -> None:
    code, _, err = run(["providers"], f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1
    assert "run 'specialmeasures db upgrade'" in err


def test_bad_as_of_date_is_a_usage_error(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, _, err = run(["providers", "--as-of", "31/12/2020"], url)
    assert code == 2
    assert "is not a date" in err
