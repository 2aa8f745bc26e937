"""The ``spc`` output CSV, built column by column, is byte for byte what writing each row's
cells with ``csv.writer`` gives (the way it was written before, per row from the result)."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from specialmeasures.cli.spc import OUTPUT_COLUMNS, _output_text
from specialmeasures.stats.spc_options import SpcOptions
from specialmeasures.stats.spc_tidy import SpcResult, spc


def _number(x: float) -> str:
    return "" if math.isnan(x) else repr(float(x))


def _flag(x: bool) -> str:
    return "TRUE" if x else "FALSE"


def _row_by_row(result: SpcResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OUTPUT_COLUMNS)
    for k in range(result.value.size):
        writer.writerow(
            [
                str(result.facet[k]),
                str(result.date[k]),
                _number(result.value[k]),
                str(int(result.rebase_group[k])),
                _flag(bool(result.short_group_warning[k])),
                _number(result.mean[k]),
                _number(result.lpl[k]),
                _number(result.upl[k]),
                _number(result.nlpl[k]),
                _number(result.nupl[k]),
                _flag(bool(result.outside_limits[k])),
                "" if result.missing[k] else str(int(result.relative_to_mean[k])),
                _flag(bool(result.close_to_limits[k])),
                str(result.special_cause_type[k]),
                _flag(bool(result.special_cause_flag[k])),
                str(result.point_type[k]),
                _number(result.target[k]),
            ]
        )
    return buffer.getvalue()


def _columnar(result: SpcResult) -> str:
    return "".join(_output_text(result))


@pytest.mark.parametrize("direction", ["increase", "decrease", "neutral"])
def test_columnar_output_matches_row_by_row(direction: str) -> None:
    rng = np.random.default_rng(7)
    facets = ['A, "quoted"', "B\nnew line", " spaced ", "D", "E"]
    months = np.arange("2019-01", "2023-01", dtype="datetime64[M]").astype("datetime64[D]")
    values, dates, keys = [], [], []
    for i, facet in enumerate(facets):
        n = 5 + 8 * i  # a short group (trial limits) and longer ones
        y = rng.normal(50, 5, n)
        y[n // 2 :] += 12 * (i % 2)  # shifts and outside-limit points
        y[1] = np.nan  # a missing value
        keep = np.ones(n, dtype=bool)
        keep[n - 2] = i < 3  # a calendar gap in some facets
        values += list(y[keep])
        dates += list(months[:n][keep])
        keys += [facet] * int(keep.sum())
    order = rng.permutation(len(values))
    result = spc(
        np.asarray(values)[order],
        np.asarray(dates)[order],
        facets=np.asarray(keys, dtype=object)[order],
        rebase={"E": [months[20]]},
        target={'A, "quoted"': 52.0, "D": 40.0},
        options=SpcOptions(improvement_direction=direction),  # type: ignore[arg-type]
    )
    assert result.special_cause_flag.any()
    assert result.missing.any()
    assert _columnar(result) == _row_by_row(result)


def test_a_series_longer_than_a_chunk_is_written_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("specialmeasures.cli.spc.OUTPUT_CHUNK", 7)
    rng = np.random.default_rng(3)
    days = np.arange("2020-01-01", "2020-02-20", dtype="datetime64[D]")
    result = spc(rng.normal(10, 1, days.size), days, target=9.5)
    assert _columnar(result) == _row_by_row(result)
