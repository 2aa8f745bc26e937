"""``spc`` on a file sorted by facet charts a group of whole facets at a time (memory stays flat
for a million series): its output and summary files and its report are byte for byte those of
charting the whole file at once, and a file it cannot stream (unsorted, not plain, a duplicate
or a bad date) is charted or refused by the whole-file path exactly as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from specialmeasures.cli import spc as spc_module
from specialmeasures.cli.main import cli


def _input(path: Path, *, shuffle: bool = False, extra: str = "") -> Path:
    rng = np.random.default_rng(11)
    lines = []
    for k in range(23):
        n = int(rng.integers(5, 30))
        months = np.arange("2019-01", "2024-01", dtype="datetime64[M]")[:n]
        keep = rng.random(n) > 0.05  # a few calendar gaps
        values = rng.normal(100, 10, n) + np.where(np.arange(n) > n // 2, 12.0, 0.0)
        for month, y, kept in zip(months.tolist(), values.tolist(), keep.tolist(), strict=True):
            if kept:
                cell = "NA" if rng.random() < 0.03 else repr(y)
                lines.append(f"Trust {k:02d},{month}-01,{cell}")
    if shuffle:
        rng.shuffle(lines)
    path.write_text("org,month,value\n" + "\n".join(lines) + "\n" + extra)
    return path


def _run(args: list[str], folder: Path, name: str) -> tuple[int, str, bytes, bytes]:
    out, summary = folder / f"{name}.csv", folder / f"{name}.summary.csv"
    result = CliRunner().invoke(cli, ["spc", *args, "-o", str(out), "--summary", str(summary)])
    read = lambda p: p.read_bytes() if p.exists() else b""  # noqa: E731
    return result.exit_code, result.stderr.replace(str(out), "OUT"), read(out), read(summary)


def _whole_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chart with the whole-file path only (neither the sorted stream nor the unsorted one)."""
    monkeypatch.setattr(spc_module, "_spc_streamed", lambda *a, **k: None)
    monkeypatch.setattr(spc_module, "_spc_unsorted", lambda *a, **k: None)


OPTIONS = [
    [],
    ["--target", "104"],
    ["--improvement", "decrease", "--rebase", "2020-06-01"],
    ["--fix-after", "12", "--no-screen-outliers"],
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shuffle", [False, True])
def test_streamed_equals_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], shuffle: bool
) -> None:
    source = _input(tmp_path / "in.csv", shuffle=shuffle)
    args = [str(source), "--value", "value", "--date", "month", "--facet", "org", *options]
    monkeypatch.setattr(spc_module, "STREAM_ROWS", 40)
    monkeypatch.setattr(spc_module, "STREAM_BLOCK_BYTES", 300)
    calls: list[object] = []
    real = spc_module._spc_streamed

    def counted(*a: object, **k: object) -> object:
        got = real(*a, **k)  # type: ignore[arg-type]
        calls.append(got)
        return got

    monkeypatch.setattr(spc_module, "_spc_streamed", counted)
    streamed = _run(args, tmp_path, "streamed")
    # Sorted files stream; shuffled ones cannot (seen in their first lines, or when read).
    assert (not calls or calls[0] is None) == shuffle
    _whole_file_only(monkeypatch)
    whole = _run(args, tmp_path, "whole")
    assert streamed[0] == whole[0] == 0
    assert streamed == whole


def test_a_file_seen_unsorted_in_its_first_lines_skips_the_stream(tmp_path: Path) -> None:
    assert spc_module._seen_unsorted(_input(tmp_path / "a.csv", shuffle=True), "org")
    assert not spc_module._seen_unsorted(_input(tmp_path / "b.csv"), "org")
    again = _input(tmp_path / "c.csv", extra="Trust 00,2030-01-01,5\n")  # back to a facet
    assert spc_module._seen_unsorted(again, "org")
    assert not spc_module._seen_unsorted(again, "trust")  # not a column: left to the readers


@pytest.mark.parametrize(
    "extra",
    [
        "Trust 22,2019-01-01,5\n",  # a duplicate date of the last facet
        "Trust 30,2019-13-01,5\n",  # a bad date
        "Trust 30,2019-01-01,five\n",  # not a number
        "Trust 00,2030-01-01,5\n",  # a facet that appears again: not sorted
    ],
)
def test_problems_are_reported_as_by_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    source = _input(tmp_path / "in.csv", extra=extra)
    args = [str(source), "--value", "value", "--date", "month", "--facet", "org"]
    monkeypatch.setattr(spc_module, "STREAM_ROWS", 40)
    monkeypatch.setattr(spc_module, "STREAM_BLOCK_BYTES", 300)
    streamed = _run(args, tmp_path, "streamed")
    _whole_file_only(monkeypatch)
    whole = _run(args, tmp_path, "whole")
    assert streamed == whole
    assert not list(tmp_path.glob(".*.tmp"))  # nothing half-written left behind
