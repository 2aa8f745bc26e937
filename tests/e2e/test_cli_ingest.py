"""``specialmeasures import cqc-ratings`` and ``real-record``, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cqc_samples import SNAPSHOT_2019, SNAPSHOT_2021, with_cell
from specialmeasures.cli.main import cli


def run(args: list[str], url: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env={"SPECIALMEASURES_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_import_prints_what_was_read_applied_and_skipped(sqlite_url: str) -> None:
    assert run(["db", "upgrade"], sqlite_url)[0] == 0
    code, out, err = run(
        ["import", "cqc-ratings", str(SNAPSHOT_2019), "--actor", "analyst"], sqlite_url
    )
    assert code == 0, err
    assert "Read 21 rows from providers_2019-06.csv (sheet Providers, current layout" in out
    assert "Applied 17 rows: 3 providers created (ZZ1, ZZ2, ZZ3)" in out
    assert "Skipped 4 rows:" in out
    assert "not an NHS trust (Provider Type)" in out
    assert "Recorded as import #1" in out
    code, out, _ = run(["import", "cqc-ratings", str(SNAPSHOT_2019)], sqlite_url)
    assert code == 0
    assert out.startswith("Already imported: providers_2019-06.csv")
    assert "nothing changed" in out
    code, out, _ = run(
        ["import", "cqc-ratings", str(SNAPSHOT_2021), "--sheet", "Providers"], sqlite_url
    )
    assert code == 0
    assert "1 providers created (ZZ4)" in out
    code, out, _ = run(["provider", "ZZ1", "--as-of", "2021-06-01", "--format", "json"], sqlite_url)
    assert json.loads(out)["ratings_in_force"]["overall"]["rating"] == "Requires improvement"
    code, out, _ = run(["audit", "log", "--entity", "import", "--format", "csv"], sqlite_url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert next((r["actor"], r["action"]) for r in rows) == ("analyst", "import.cqc_ratings")


def test_a_bad_row_is_one_line_exit_2_and_changes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    run(["db", "upgrade"], sqlite_url)
    bad = with_cell(SNAPSHOT_2019, tmp_path / "bad.csv", 7, "Publication Date", "14.03.2019")
    code, out, err = run(["import", "cqc-ratings", str(bad)], sqlite_url)
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "error: bad.csv, row 7, column 'Publication Date': is not a date (expected dd/mm/yyyy) "
        "(value '14.03.2019')"
    )
    code, out, _ = run(["providers", "--format", "csv"], sqlite_url)
    assert out.strip().count("\n") == 0  # header only: no provider was created


def test_a_missing_file_is_a_usage_error(sqlite_url: str, tmp_path: Path) -> None:
    run(["db", "upgrade"], sqlite_url)
    code, _, err = run(["import", "cqc-ratings", str(tmp_path / "nope.ods")], sqlite_url)
    assert code == 2
    assert "nope.ods" in err


def test_real_record_summary_and_events_work_without_a_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never-created.db'}"
    code, out, err = run(["real-record", "summary", "--format", "json"], url)
    assert code == 0, err
    stats = {r["statistic"]: r for r in json.loads(out)}
    assert stats["trusts that re-entered after an exit"]["value"] == "3"
    code, out, _ = run(["real-record", "events", "--trust", "colchester", "--format", "csv"], url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["event"] for r in rows] == ["entry", "remain", "exit"]
    assert all(r["source_url"].startswith("https://www.cqc.org.uk/") for r in rows)
    assert not (tmp_path / "never-created.db").exists()
    code, _, err = run(["real-record", "events", "--trust", "Nowhere General"], url)
    assert code == 1
    assert "no trust in the record matches" in err


def test_real_record_load_is_idempotent_and_kept_apart(sqlite_url: str) -> None:
    run(["db", "upgrade"], sqlite_url)
    code, out, _ = run(["real-record", "load", "--actor", "researcher"], sqlite_url)
    assert code == 0
    assert "Loaded 50 events about 23 trusts" in out
    code, out, _ = run(["real-record", "load"], sqlite_url)
    assert out.startswith("Already loaded")
    code, out, _ = run(["real-record", "summary", "--database", "--format", "csv"], sqlite_url)
    assert code == 0
    assert "SMQ episodes,26" in out
    code, out, _ = run(["providers", "--format", "csv"], sqlite_url)
    assert out.strip().count("\n") == 0  # no real trust entered the register
