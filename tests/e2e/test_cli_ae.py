"""``specialmeasures import ae``, ``import observations`` and ``observations``, run as a user runs
them, on the real published A&E files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from ae_samples import APRIL_2025, JULY_2024_REVISED, MONTHLY, expected_national, row_of, with_cell
from specialmeasures.cli.main import cli


def run(args: list[str], url: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env={"SPECIALMEASURES_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_monthly_files_into_an_empty_database_then_englands_series(sqlite_url: str) -> None:
    code, out, err = run(["import", "ae", *map(str, MONTHLY), "--actor", "analyst"], sqlite_url)
    assert code == 0, err
    assert "Read 199 rows from Monthly-AE-April-2025.csv (published layout" in out
    assert out.count("TOTAL row checked") == 11
    assert "0 of them in the providers register" in out
    code, out, err = run(
        ["observations", "--indicator", "ae_four_hour", "--national", "--format", "csv"],
        sqlite_url,
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = expected_national(MONTHLY)
    assert [r["period"] for r in rows] == sorted(expected)
    for r in rows:
        within, total = expected[r["period"]]
        assert (int(r["numerator"]), int(r["denominator"])) == (within, total)
        assert abs(float(r["value"]) - within / total) < 1e-9
    code, out, _ = run(
        ["observations", "--indicator", "ae_four_hour", "--national", "--from", "2024-12",
         "--to", "2025-01", "--format", "json"], sqlite_url,
    )  # fmt: skip
    assert code == 0
    assert [r["period"] for r in json.loads(out)] == ["2024-12", "2025-01"]
    code, out, _ = run(["observations", "--indicator", "ae_four_hour", "--national"], sqlite_url)
    assert code == 0
    assert "71.1%" in out
    code, out, _ = run(["import", "ae", str(MONTHLY[0])], sqlite_url)
    assert code == 0
    assert out.startswith("Already imported: ")
    assert "nothing changed" in out


def test_a_corrupted_file_exits_2_naming_the_cell(sqlite_url: str, tmp_path: Path) -> None:
    row = row_of(APRIL_2025, "RHW")
    bad = with_cell(APRIL_2025, tmp_path / "Monthly-AE-April-2025.csv", row,
                    "A&E attendances Type 1", "10,298")  # fmt: skip
    code, _, err = run(["import", "ae", str(bad)], sqlite_url)
    assert code == 2
    assert f"Monthly-AE-April-2025.csv, row {row}, column 'A&E attendances Type 1'" in err
    assert "'10,298'" in err
    code, _, err = run(["observations", "--indicator", "ae_four_hour", "--national"], sqlite_url)
    assert code != 0  # nothing was imported: the indicator is not there


def test_query_needs_provider_or_national_and_known_codes(sqlite_url: str) -> None:
    assert run(["import", "ae", str(APRIL_2025)], sqlite_url)[0] == 0
    code, _, err = run(["observations", "--indicator", "ae_four_hour"], sqlite_url)
    assert code == 2
    assert "either a provider code or national" in err
    code, out, _ = run(
        ["observations", "--indicator", "ae_four_hour", "--provider", "NTV0B", "--format", "csv"],
        sqlite_url,
    )
    assert code == 0
    assert out.splitlines()[1].startswith("2025-04,2284,2333,")
    code, _, err = run(
        ["observations", "--indicator", "ae_four_hour", "--provider", "QQQ"], sqlite_url
    )
    assert code != 0
    assert "QQQ" in err
    code, _, err = run(["observations", "--indicator", "nope", "--national"], sqlite_url)
    assert code != 0
    assert "nope" in err


def test_import_observations_defines_a_new_indicator(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("period,provider_code,value\n2024-01,ZZZ,7.1\n")
    code, _, err = run(["import", "observations", str(path), "--indicator", "staff_x"], sqlite_url)
    assert code == 2
    assert "define it with --name" in err
    code, out, err = run(
        ["import", "observations", str(path), "--indicator", "staff_x", "--name", "Engagement",
         "--kind", "mean", "--polarity", "increase", "--unit", "score", "--category",
         "workforce_culture"], sqlite_url,
    )  # fmt: skip
    assert code == 0, err
    assert "(indicator added)" in out
    assert "code not a provider in the register" in out


def test_an_unrevised_file_after_a_revised_one_is_used_with_a_warning(
    sqlite_url: str, tmp_path: Path
) -> None:
    july = JULY_2024_REVISED
    row = row_of(july, "RXN")
    original = with_cell(july, tmp_path / "Monthly-AE-July-2024.csv", row, "Org name", "RXN")
    assert run(["import", "ae", str(july)], sqlite_url)[0] == 0
    code, out, _ = run(["import", "ae", str(original)], sqlite_url)
    assert code == 0
    assert "Replaced 2024-07, previously from import #1 (Monthly-AE-July-2024-revised.csv)" in out
    assert "Warning: Monthly-AE-July-2024.csv is not marked revised" in out
