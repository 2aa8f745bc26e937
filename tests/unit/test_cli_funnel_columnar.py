"""``funnel`` reads plain files column by column (``_fast_csv``): its output, summary, messages
and errors are byte for byte those of the validating reader, on plain files, labels with
surrounding spaces, and files with a bad, negative or quoted cell, a blank line or a proportion
above its denominator (those go to the validating reader, which names the row)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from specialmeasures.cli import funnel as funnel_module
from specialmeasures.cli._fast_csv import Fallback
from specialmeasures.cli.main import cli


def _lines() -> list[str]:
    rng = np.random.default_rng(3)
    lines = []
    for i in range(300):
        group = f"U{int(rng.integers(0, 60)):03d}"
        e = float(rng.uniform(20, 400))
        o = int(rng.poisson(e))
        n = max(o, int(e * 1.2))
        lines.append(f"{' ' + group + ' ' if i % 7 == 0 else group},{o},{e!r},{n}")
    return lines


def _run(source: Path, kind: str, folder: Path, name: str) -> tuple[int, str, bytes, bytes]:
    out = folder / f"{name}.csv"
    denominator = "n" if kind == "PR" else "expected"
    args = ["funnel", str(source), "--numerator", "observed", "--denominator", denominator]
    result = CliRunner().invoke(cli, [*args, "--group", "unit", "--type", kind, "-o", str(out)])
    summary = folder / f"{name}.summary.json"
    read = lambda p: p.read_bytes() if p.exists() else b""  # noqa: E731
    return result.exit_code, result.output.replace(str(out), "OUT"), read(out), read(summary)


@pytest.mark.parametrize("kind", ["SR", "PR", "RC"])
@pytest.mark.parametrize(
    "extra",
    [None, "U001,-1,3.0,5", "U001,x,3.0,5", '"U,001",3,3.0,5', "U001,9,3.0,5", "", "U999,0,0,0"],
)
def test_columnar_equals_validating_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, extra: str | None
) -> None:
    lines = _lines()
    if extra is not None:
        lines.insert(50, extra)
    source = tmp_path / "in.csv"
    source.write_text("unit,observed,expected,n\n" + "\n".join(lines) + "\n")
    calls: list[object] = []
    real = funnel_module.read_columns

    def counted(*a: object, **k: object) -> object:
        got = real(*a, **k)  # type: ignore[arg-type]
        calls.append(got)
        return got

    with monkeypatch.context() as patch:
        patch.setattr(funnel_module, "read_columns", counted)
        patch.setattr(funnel_module, "COLUMNAR_BYTES", 0)  # read column by column however small
        fast = _run(source, kind, tmp_path, "fast")
    with monkeypatch.context() as patch:
        patch.setattr(funnel_module, "read_columns", lambda *a, **k: Fallback("forced"))
        validated = _run(source, kind, tmp_path, "validated")
    assert fast == validated
    if extra is None:
        assert fast[0] == 0
        assert not isinstance(calls[0], Fallback)  # read column by column
        assert fast[2].count(b"\r\n") > 50  # a line per group


def test_small_files_go_to_the_validating_reader(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("unit,observed,expected,n\n" + "\n".join(_lines()) + "\n")
    assert source.stat().st_size < funnel_module.COLUMNAR_BYTES
    got = funnel_module._read_input(source, "observed", "expected", "unit", "SR")
    assert got[2].tolist()[0] == _lines()[0].split(",")[0].strip()
