"""``specialmeasures funnel`` end to end: a golden round trip and every bad-input error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.cli.main import cli

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "FunnelPlotR"
HEADER = ["unit", "obs", "exp"]


def _write(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_golden_round_trip_medpar_shmi_adjusted(tmp_path: Path) -> None:
    case_id = "readme_medpar_b_SHMI_adjusted_99"
    with (REFERENCE / "inputs_aggregated.csv").open(newline="") as handle:
        inputs = [r for r in csv.DictReader(handle) if r["case_id"] == case_id]
    # Split each provider over two rows to exercise the grouping.
    rows: list[list[object]] = []
    for r in inputs:
        o, e = float(r["numerator"]), float(r["denominator"])
        rows += [[r["group"], o - 1, e / 2], [r["group"], 1, e / 2]]
    source = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    code, output = _run(
        "funnel", str(source), "--numerator", "obs", "--denominator", "exp", "--group", "unit",
        "--type", "SR", "--limit", "99.8", "-o", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "phi=8.5328512892" in output
    with out.open(newline="") as handle:
        got = {r["group"]: r for r in csv.DictReader(handle)}
    with (REFERENCE / "aggregated_expected.csv").open(newline="") as handle:
        expected = {r["group"]: r for r in csv.DictReader(handle) if r["case_id"] == case_id}
    assert set(got) == set(expected)
    for group, exp in expected.items():
        row = got[group]
        for ours, theirs in (
            ("od_lcl998", "OD99LCL"),
            ("od_ucl998", "OD99UCL"),
            ("lcl95", "LCL95"),
        ):
            assert float(row[ours]) == pytest.approx(float(exp[theirs]), rel=1e-9)
        assert float(row["ratio"]) == pytest.approx(float(exp["rr"]), rel=1e-9)
        assert row["outlier"] == exp["outlier"]
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["phi"] == pytest.approx(8.53285128924864, rel=1e-9)
    assert summary["tau2"] == pytest.approx(0.0284102322745188, rel=1e-9)


BASE = ["--numerator", "obs", "--denominator", "exp", "--group", "unit"]


@pytest.mark.parametrize(
    ("rows", "extra", "fragment"),
    [
        ([["a", "x", 10], ["b", 3, 10]], ["--type", "SR"], "row 2, column 'obs': not a number"),
        (
            [["a", 3, 10], ["b", 3, -1]],
            ["--type", "SR"],
            "row 3, column 'exp': must not be negative",
        ),
        ([["a", 3, 10], ["b", 12, 10]], ["--type", "PR"], "row 3, column 'obs'"),
        ([["a", 3, 10], ["b", 3, 10]], ["--type", "XX"], "Invalid value for '--type'"),
        ([["a", 3, 10], ["b", 3, 10]], ["--type", "SR", "--trim", "0.7"], "trim_by"),
        ([["a", 3, 10], ["b", 3, 0]], ["--type", "SR"], "denominator total of 0"),
        ([["a", 3, 10], ["b", 3, 10]], ["--type", "SR", "--bogus"], "No such option"),
    ],
)
def test_bad_input_exits_2_without_output(
    tmp_path: Path, rows: list[list[object]], extra: list[str], fragment: str
) -> None:
    source = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    code, output = _run("funnel", str(source), *BASE, *extra, "-o", str(out))
    assert code == 2
    assert fragment in output
    assert not out.exists()
    assert not (tmp_path / "out.summary.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_unknown_column_is_named(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", [["a", 3, 10]], header=["unit", "observed", "exp"])
    out = tmp_path / "out.csv"
    code, output = _run("funnel", str(source), *BASE, "--type", "SR", "-o", str(out))
    assert code == 2
    assert "no column 'obs'" in output
    assert len(output.strip().splitlines()) == 1
    assert not out.exists()
