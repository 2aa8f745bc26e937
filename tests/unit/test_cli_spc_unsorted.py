"""``spc`` on a plain file not sorted by facet sorts the rows by (facet, date) codes and charts
a group of whole facets at a time: the output and summary files and the report are byte for byte
those of the whole-file path, on shuffled rows, facets of one row, calendar gaps, missing values
and texts that name the same facet or day; a bad date or a duplicate (facet, date) is refused
with the whole-file path's error, and nothing is left written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from specialmeasures.cli import spc as spc_module
from specialmeasures.cli.main import cli


def _lines(seed: int, centre: float = 100.0) -> list[str]:
    rng = np.random.default_rng(seed)
    lines = []
    for k in range(31):
        n = 1 if k % 10 == 3 else int(rng.integers(2, 40))
        months = np.arange("2018-01", "2024-01", dtype="datetime64[M]")[:n]
        keep = rng.random(n) > 0.08  # calendar gaps
        keep[0] = True
        level = rng.normal(centre, 10, n) + np.where(np.arange(n) > n // 2, 15.0, 0.0)
        values = np.round(level, 0) if k % 3 == 0 else level  # ties in the values
        name = f"Trust {k:02d}" if k % 7 else f"trust {k:02d}"  # case differs: not the same
        for j, (month, y, kept) in enumerate(
            zip(months.tolist(), values.tolist(), keep.tolist(), strict=True)
        ):
            if not kept:
                continue
            cell = "NA" if rng.random() < 0.03 else repr(y)
            day = f"{month}" if j % 5 == 0 else f"{month}-01"  # YYYY-MM is the first day
            facet = f" {name}" if j % 4 == 0 else name  # surrounding spaces are stripped
            lines.append(f"{facet},{day},{cell}")
    return lines


def _write(path: Path, lines: list[str], seed: int, extra: tuple[str, ...] = ()) -> Path:
    rows = [*lines, *extra]
    np.random.default_rng(seed).shuffle(rows)
    path.write_text("org,month,value\n" + "\n".join(rows) + "\n")
    return path


def _run(args: list[str], folder: Path, name: str) -> tuple[int, str, bytes, bytes]:
    out, summary = folder / f"{name}.csv", folder / f"{name}.summary.csv"
    result = CliRunner().invoke(cli, ["spc", *args, "-o", str(out), "--summary", str(summary)])
    read = lambda p: p.read_bytes() if p.exists() else b""  # noqa: E731
    return result.exit_code, result.stderr.replace(str(out), "OUT"), read(out), read(summary)


def _compare(
    source: Path, options: list[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[int, str, bytes, bytes], list[object]]:
    args = [str(source), "--value", "value", "--date", "month", "--facet", "org", *options]
    calls: list[object] = []
    real = spc_module._spc_unsorted

    def counted(*a: object, **k: object) -> object:
        calls.append("called")
        got = real(*a, **k)  # type: ignore[arg-type]
        calls.append(got)
        return got

    with monkeypatch.context() as patch:
        patch.setattr(spc_module, "STREAM_ROWS", 37)  # many groups of whole facets
        patch.setattr(spc_module, "_spc_unsorted", counted)
        unsorted = _run(args, folder, "unsorted")
    with monkeypatch.context() as patch:
        patch.setattr(spc_module, "_spc_streamed", lambda *a, **k: None)
        patch.setattr(spc_module, "_spc_unsorted", lambda *a, **k: None)
        whole = _run(args, folder, "whole")
    assert unsorted == whole
    assert not list(folder.glob(".*.tmp"))  # nothing half-written left behind
    return unsorted, calls


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--target", "104"],
        ["--improvement", "decrease", "--rebase", "2020-06-01", "--rebase", "2021-02"],
        ["--fix-after", "12", "--no-screen-outliers"],
        ["--improvement", "neutral"],
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unsorted_equals_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], seed: int
) -> None:
    source = _write(tmp_path / "in.csv", _lines(seed), seed)
    result, calls = _compare(source, options, tmp_path, monkeypatch)
    assert result[0] == 0
    assert len(calls) == 2
    assert calls[1] is not None  # charted by the unsorted path
    assert result[2].count(b"\r\n") > 400


def test_negative_limits_and_means_are_written_as_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(tmp_path / "in.csv", _lines(6, centre=-3.0), 6)
    result, calls = _compare(source, ["--target", "-2"], tmp_path, monkeypatch)
    assert result[0] == 0
    assert calls[1] is not None
    assert b",-" in result[3]  # negative numbers in the summary, not escaped as text
    assert b"'-" not in result[3]


@pytest.mark.parametrize(
    "extra",
    [
        ["Trust 05,2019-03-01,5"],  # a duplicate date of a facet
        ["Trust 05,2019-03,5"],  # the same day written YYYY-MM
        [" Trust 01 ,2018-01-01,5", "Trust 01,2018-01-01,6"],  # the same facet after stripping
        ["Trust 30,2019-13-01,5"],  # a bad date
        ["Trust 30,2019-02-30,5", "Trust 02,x,5"],  # two bad dates: the first row is named
    ],
)
def test_problems_are_refused_as_by_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    source = _write(tmp_path / "in.csv", _lines(4), 4, tuple(extra))
    result, calls = _compare(source, [], tmp_path, monkeypatch)
    assert result[0] != 0
    assert "row" in result[1]
    assert calls == ["called"]  # refused by the unsorted path itself, not passed on


def test_a_file_that_is_not_plain_goes_to_the_validating_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(tmp_path / "in.csv", _lines(5), 5, ('"Trust 40",2019-01-01,5',))
    result, calls = _compare(source, [], tmp_path, monkeypatch)
    assert result[0] == 0
    assert calls == ["called", None]
