"""The ``spc`` summary CSV, built column by column, is byte for byte what writing each row of
``summary().rows()`` with ``csv.writer`` (every text cell through the export rule) gives."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from specialmeasures.cli.spc import SUMMARY_COLUMNS, _summary_header, _summary_text
from specialmeasures.reports.cells import csv_row
from specialmeasures.stats.spc_options import SpcOptions
from specialmeasures.stats.spc_tidy import SpcResult, spc


def _row_by_row(result: SpcResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(SUMMARY_COLUMNS))
    for row in result.summary().rows():
        cells = []
        for column in SUMMARY_COLUMNS:
            cell = row[column]
            if cell is None:
                cells.append("")
            elif isinstance(cell, float):
                cells.append("" if math.isnan(cell) else repr(cell))
            else:
                cells.append(str(cell))
        writer.writerow(csv_row(cells))
    return buffer.getvalue()


FACETS = ['A, "quoted"', "B\nnew line", "=HYPERLINK(1)", "-x", "+1", "@at", " spaced ", "D"]


@pytest.mark.parametrize("direction", ["increase", "decrease", "neutral"])
@pytest.mark.parametrize("targets", ["none", "one", "some"])
def test_summary_text_matches_row_by_row(direction: str, targets: str) -> None:
    rng = np.random.default_rng(11)
    months = np.arange("2019-01", "2023-01", dtype="datetime64[M]").astype("datetime64[D]")
    values, dates, keys = [], [], []
    for i, facet in enumerate(FACETS):
        n = 1 + 6 * i  # one point (no limits), short groups (trial limits) and longer ones
        y = rng.normal(-5 if i % 3 == 0 else 50, 5, n)  # negative means and limits too
        y[n // 2 :] += 12 * (i % 2)
        if n > 2:
            y[1] = np.nan  # a missing value
        keep = np.ones(n, dtype=bool)
        if n > 3:
            keep[n - 2] = i % 2 == 0  # a calendar gap in some facets
        values += list(y[keep])
        dates += list(months[:n][keep])
        keys += [facet] * int(keep.sum())
    order = rng.permutation(len(values))
    target: float | dict[str, float] | None = {
        "none": None,
        "one": 49.0,
        "some": {"=HYPERLINK(1)": 52.0, "D": 40.0},
    }[targets]
    result = spc(
        np.asarray(values)[order],
        np.asarray(dates)[order],
        facets=np.asarray(keys, dtype=object)[order],
        rebase={"D": [months[20]]},
        target=target,
        options=SpcOptions(improvement_direction=direction),  # type: ignore[arg-type]
    )
    text = _summary_header() + _summary_text(result)
    assert text == _row_by_row(result)
    assert "'=HYPERLINK(1)" in text
    assert "'-x" in text
    assert "\r\n+1," in text


def test_summary_text_of_one_series_without_facets() -> None:
    days = np.arange("2020-01-01", "2020-02-20", dtype="datetime64[D]")
    result = spc(np.random.default_rng(5).normal(10, 1, days.size), days, target=9.5)
    assert _summary_header() + _summary_text(result) == _row_by_row(result)
