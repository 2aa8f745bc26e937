"""``cusum`` reads plain inputs column by column and writes its CSV a chunk of rows at a time:
the same values or the same error as the validating reader, and the bytes ``csv.writer`` wrote
row by row before."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest

from specialmeasures.cli._tables import read_table
from specialmeasures.cli.cusum import (
    OUTPUT_COLUMNS,
    _binary,
    _probability,
    _read_input,
    _texts,
    _write_columns,
)
from specialmeasures.domain.errors import InputError
from specialmeasures.reports.cells import csv_row

FILES = {
    "plain": "died,risk\n1,0.5\n0,0.25\n",
    "outcome 2": "died,risk\n1,0.5\n2,0.25\n",
    "risk 0": "died,risk\n1,0.5\n0,0\n",
    "risk 1": "died,risk\n1,1\n",
    "missing": "died,risk\n1,\n",
    "quoted": 'died,risk\n"1",0.5\n',
    "blank line": "died,risk\n1,0.5\n\n0,0.3\n",
    "text": "died,risk\nyes,0.5\n",
    "no column": "dead,risk\n1,0.5\n",
}


def _validated(path: Path, risk: str | None) -> object:
    try:
        table = read_table(path)
        y = table.numbers("died", _binary)
        r = table.numbers(risk, _probability) if risk else None
    except InputError as error:
        return ("error", str(error))
    return ("ok", y, r)


def _columnar(path: Path, risk: str | None) -> object:
    try:
        y, r = _read_input(path, "died", risk)
    except InputError as error:
        return ("error", str(error))
    return ("ok", y.tolist(), None if r is None else r.tolist())


@pytest.mark.parametrize("risk", ["risk", None])
@pytest.mark.parametrize("name", sorted(FILES))
def test_reading_agrees_with_validating_reader(tmp_path: Path, name: str, risk: str | None) -> None:
    path = tmp_path / "in.csv"
    path.write_text(FILES[name])
    assert _columnar(path, risk) == _validated(path, risk)


def test_columns_written_as_csv_writer_writes_rows() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    weights = rng.normal(size=n) * 10.0 ** rng.integers(-8, 20, n)
    weights[:3] = [-math.inf, math.inf, -0.0]
    ct = rng.normal(size=n)
    y = rng.integers(0, 2, n)
    columns = (
        [str(k) for k in range(1, n + 1)],
        [str(v) for v in y.tolist()],
        _texts(rng.random(n)),
        _texts(weights),
        _texts(ct),
        [str(v) for v in rng.integers(0, 2, n).tolist()],
    )
    ours = io.StringIO()
    _write_columns(ours, columns)
    theirs = io.StringIO()
    writer = csv.writer(theirs)
    writer.writerow(csv_row(OUTPUT_COLUMNS))
    for k in range(n):
        writer.writerow(
            csv_row([k + 1, int(y[k]), columns[2][k], repr(float(weights[k])), repr(float(ct[k])),
                     int(columns[5][k])])
        )  # fmt: skip
    assert ours.getvalue() == theirs.getvalue()
