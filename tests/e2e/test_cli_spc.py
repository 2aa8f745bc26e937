"""``specialmeasures spc`` run as a user runs it: a golden round trip through CSV files and one
error line (exit 2, no output file) for each kind of bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from specialmeasures.cli.main import cli

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "NHSRplotthedots"
RTOL = 1e-9


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["spc", *args])
    return result.exit_code, result.stderr


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def numbers(rows: list[dict[str, str]], column: str) -> np.ndarray:
    return np.array([float(r[column]) if r[column] else np.nan for r in rows])


@pytest.mark.parametrize(
    "case_id", ["example_5trusts_facet_breaches_decrease", "test_icons_s5_target-3"]
)
def test_golden_round_trip(case_id: str, tmp_path: Path) -> None:
    case = next(
        c for c in json.loads((REFERENCE / "cases.json").read_text()) if c["case_id"] == case_id
    )
    expected = [r for r in read(REFERENCE / "points.csv") if r["case_id"] == case_id]
    # shuffle the input rows: the command sorts by facet then date
    shuffled = expected[::-1]
    source = write(
        tmp_path / "in.csv",
        ["org", "month", "breaches"],
        [[r["f"], r["x"], r["y"]] for r in shuffled],
    )
    args = [str(source), "--value", "breaches", "--date", "month"]
    if case.get("facet_field"):
        args += ["--facet", "org"]
    if "target" in case:
        args += ["--target", str(case["target"][0])]
    args += ["--improvement", case["improvement_direction"]]
    out, summary = tmp_path / "out.csv", tmp_path / "summary.csv"
    code, err = run([*args, "-o", str(out), "--summary", str(summary)])
    assert code == 0, err
    got = read(out)
    if not case.get("facet_field"):
        assert {r["facet"] for r in got} == {"no facet"}
    else:
        assert [r["facet"] for r in got] == [r["f"] for r in expected]
    assert [r["date"] for r in got] == [r["x"] for r in expected]
    for ours, theirs in [("mean", "mean_col"), ("lpl", "lpl"), ("upl", "upl"), ("value", "y")]:
        np.testing.assert_allclose(numbers(got, ours), numbers(expected, theirs), rtol=RTOL)
    for column in ("rebase_group", "special_cause_type", "point_type", "outside_limits"):
        assert [r[column] for r in got] == [r[column] for r in expected], column
    summary_rows = read(summary)
    expected_summary = [r for r in read(REFERENCE / "summary.csv") if r["case_id"] == case_id]
    assert [r["n"] for r in summary_rows] == [r["n"] for r in expected_summary]
    np.testing.assert_allclose(
        numbers(summary_rows, "upl"), numbers(expected_summary, "upl"), rtol=RTOL
    )
    icons = {r["f"]: r for r in read(REFERENCE / "icons.csv") if r["case_id"] == case_id}
    for row in summary_rows:
        facet = row["facet"]
        assert f"{row['variation_icon']}.svg" == icons[facet]["variation_icon"]
        assurance = icons[facet]["assurance_icon"]
        assert (f"{row['assurance_icon']}.svg" if row["assurance_icon"] else "") == assurance


def series(tmp_path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    return write(tmp_path / "in.csv", header or ["org", "month", "value"], rows)


GOOD = [["A", f"2020-{m:02d}-01", m % 3] for m in range(1, 13)]


def test_options_rebase_targets_and_missing_values(tmp_path: Path) -> None:
    rows = [*GOOD, ["A", "2021-01-01", ""]] + [["B", r[1], r[2]] for r in GOOD]
    source = series(tmp_path, rows)
    targets = write(tmp_path / "t.csv", ["facet", "target"], [["A", 10], ["B", -10]])
    rebase = write(tmp_path / "r.csv", ["facet", "date"], [["B", "2020-07-01"]])
    out, summary = tmp_path / "out.csv", tmp_path / "s.csv"
    code, err = run(
        [str(source), "--value", "value", "--date", "month", "--facet", "org",
         "--targets", str(targets), "--rebase-file", str(rebase), "--no-screen-outliers",
         "-o", str(out), "--summary", str(summary)]
    )  # fmt: skip
    assert code == 0, err
    s = read(summary)
    assert [(r["facet"], r["rebase_group"], r["n"]) for r in s] == [
        ("A", "0", "13"),
        ("B", "0", "6"),
        ("B", "1", "6"),
    ]
    assert "1 missing values" in s[0]["warnings"]
    assert [r["assurance_icon"] for r in s] == ["fail", "", "pass"]


def test_fix_after_below_twelve_is_an_input_error(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, err = run(
        [str(series(tmp_path, GOOD)), "--value", "value", "--date", "month", "--fix-after", "5",
         "-o", str(out)]
    )  # fmt: skip
    assert code == 2
    assert "fix_after_n_points" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ([*GOOD[:3], ["A", "2020-04-01", "lots"]], [], "row 5, column 'value': not a number"),
        ([*GOOD[:3], ["A", "2020-02-01", "1"]], [], "row 5, column 'month': duplicate date"),
        ([*GOOD[:3], ["A", "April", "1"]], [], "row 5, column 'month': not a date"),
        (GOOD, ["--facet", "trust"], "no column 'trust'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(
    tmp_path: Path, rows: list[list[object]], extra: list[str], message: str
) -> None:
    out, summary = tmp_path / "out.csv", tmp_path / "summary.csv"
    code, err = run(
        [str(series(tmp_path, rows)), "--value", "value", "--date", "month", *extra,
         "-o", str(out), "--summary", str(summary)]
    )  # fmt: skip
    assert code == 2
    assert message in err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert not out.exists()
    assert not summary.exists()
    assert list(tmp_path.glob(".*tmp")) == []


def test_duplicate_dates_in_different_facets_are_fine(tmp_path: Path) -> None:
    rows = [*GOOD, *[["B", r[1], r[2]] for r in GOOD]]
    out = tmp_path / "out.csv"
    code, err = run(
        [str(series(tmp_path, rows)), "--value", "value", "--date", "month", "--facet", "org",
         "-o", str(out)]
    )  # fmt: skip
    assert code == 0, err
    assert len(read(out)) == 24
    code, err = run(
        [str(series(tmp_path, rows)), "--value", "value", "--date", "month", "-o", str(out)]
    )
    assert code == 2
    assert "duplicate date" in err


def test_a_facet_a_spreadsheet_would_run_is_escaped_in_the_output(tmp_path: Path) -> None:
    """The one export rule (reports/cells.py) holds for the output too: the facet is text."""
    hostile = "=HYPERLINK(1)"
    rows = [*[[hostile, r[1], r[2]] for r in GOOD], *[["-12", r[1], r[2]] for r in GOOD]]
    out = tmp_path / "out.csv"
    code, err = run(
        [str(series(tmp_path, rows)), "--value", "value", "--date", "month", "--facet", "org",
         "-o", str(out)]
    )  # fmt: skip
    assert code == 0, err
    facets = {r["facet"] for r in read(out)}
    assert facets == {"'" + hostile, "-12"}  # a plain number is left as it is
