"""``specialmeasures cusum`` and ``cusum-limit`` end to end."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.cli.main import cli

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "cusum"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _points(case_id: str) -> list[dict[str, str]]:
    with (REFERENCE / "series_points.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["case_id"] == case_id]
    return sorted(rows, key=lambda r: int(r["t"]))


def test_golden_round_trip_racusum(tmp_path: Path) -> None:
    points = _points("vignette_racusum_phase2_reset")
    source = _write(tmp_path / "in.csv", ["died", "p"], [[r["outcome"], r["risk"]] for r in points])
    out = tmp_path / "out.csv"
    code, output = _run(
        "cusum", str(source), "--outcome", "died", "--risk", "p", "--limit", "3.74286119179318",
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, output
    with out.open(newline="") as handle:
        got = list(csv.DictReader(handle))
    assert list(got[0]) == ["t", "outcome", "risk", "weight", "ct", "signal"]
    assert len(got) == len(points)
    for ours, theirs in zip(got, points, strict=True):
        assert int(ours["t"]) == int(theirs["t"])
        assert float(ours["ct"]) == pytest.approx(float(theirs["ct"]), rel=1e-9, abs=1e-12)
        assert float(ours["weight"]) == pytest.approx(float(theirs["weight"]), rel=1e-9)
        assert ours["signal"] == theirs["signal"]


def test_bernoulli_no_reset_round_trip(tmp_path: Path) -> None:
    points = _points("vignette_cusum_phase2_noreset")
    source = _write(tmp_path / "in.csv", ["y"], [[r["outcome"]] for r in points])
    out = tmp_path / "out.csv"
    code, output = _run(
        "cusum", str(source), "--outcome", "y", "--p0", "0.216", "--limit", "6.49847632692603",
        "--no-reset", "-o", str(out),
    )  # fmt: skip
    assert code == 0, output
    with out.open(newline="") as handle:
        signals = sum(int(r["signal"]) for r in csv.DictReader(handle))
    assert signals == 441


@pytest.mark.parametrize(
    ("rows", "extra", "fragment"),
    [
        ([[0, 0.1], [2, 0.1]], ["--risk", "p", "--limit", "2"], "row 3, column 'y'"),
        ([[0, 0.1], ["x", 0.1]], ["--risk", "p", "--limit", "2"], "not a number"),
        ([[0, 0.1], [1, 1.5]], ["--risk", "p", "--limit", "2"], "row 3, column 'p'"),
        ([[0, 0.1], [1, 0.1]], ["--p0", "1.2", "--limit", "2"], "--p0 must lie"),
        ([[0, 0.1], [1, 0.1]], ["--risk", "p", "--limit", "-2"], "--limit must be positive"),
        ([[0, 0.1]], ["--risk", "p", "--odds-ratio", "0.5", "--limit", "2"], "must be negative"),
        ([[0, 0.1]], ["--risk", "q", "--limit", "2"], "no column 'q'"),
        ([[0, 0.1]], ["--limit", "2"], "exactly one of"),
        ([[0, 0.1]], ["--risk", "p", "--limit", "2", "--frobnicate"], "No such option"),
    ],
)
def test_bad_input_exits_2_without_output(
    tmp_path: Path, rows: list[list[object]], extra: list[str], fragment: str
) -> None:
    source = _write(tmp_path / "in.csv", ["y", "p"], rows)
    out = tmp_path / "out.csv"
    code, output = _run("cusum", str(source), "--outcome", "y", *extra, "-o", str(out))
    assert code == 2, output
    assert fragment in output
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_cusum_limit_exact_matches_reference() -> None:
    code, output = _run(
        "cusum-limit", "--p0", "0.1", "--n", "10", "--alpha", "0.05", "--method", "exact"
    )
    assert code == 0, output
    assert float(output.strip()) == pytest.approx(1.41227028304956, rel=1e-9)


def test_cusum_limit_simulated_is_seeded(tmp_path: Path) -> None:
    risks = _write(tmp_path / "risks.csv", ["risk"], [[0.1], [0.15], [0.2]])
    args = ["cusum-limit", "--risk-file", str(risks), "--n", "30", "--alpha", "0.05"]
    first = _run(*args, "--simulations", "2000", "--seed", "5")
    again = _run(*args, "--simulations", "2000", "--seed", "5")
    assert first == again
    assert first[0] == 0
    assert 2.0 < float(first[1]) < 3.2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--p0", "0.1", "--n", "10", "--alpha", "1.5"], "--alpha must lie"),
        (["--p0", "0.1", "--n", "30", "--alpha", "0.05", "--method", "exact"], "at most 20"),
        (["--p0", "-0.1", "--n", "10", "--alpha", "0.05"], "--p0 must lie"),
        (["--n", "10", "--alpha", "0.05"], "exactly one of"),
        (["--p0", "0.1", "--n", "10", "--alpha", "0.05", "--odds-ratio", "1"], "differ from 1"),
    ],
)
def test_cusum_limit_bad_input(args: list[str], fragment: str) -> None:
    code, output = _run("cusum-limit", *args)
    assert code == 2
    assert fragment in output
