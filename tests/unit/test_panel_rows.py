"""The panel read from the driver's rows is the one built from a data frame of the same rows,
bit for bit: text or date periods, missing numbers, unknown providers and indicators, rows in
any order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from factories import provider, shmi
from specialmeasures.monitoring.panel import Panel, panel_from_frame, panel_from_rows

COLUMNS = ["provider_code", "indicator_id", "period", "value", "numerator", "denominator",
           "expected"]  # fmt: skip


def _rows(text_dates: bool) -> list[tuple[object, ...]]:
    rng = random.Random(7)
    rows: list[tuple[object, ...]] = []
    for code in ["ZA3", "ZA1", "ZZ9", "ZA2"]:  # ZZ9 is not a known provider
        for indicator in ["shmi", "other", "unknown"]:  # "unknown" is not a known indicator
            for month in rng.sample(range(1, 13), 7):
                day = date(2016 + month % 2, month, 1)
                value = rng.random() * 3
                numerator = None if rng.random() < 0.3 else float(rng.randint(0, 40))
                denominator = None if indicator == "shmi" else rng.random() * 1e6
                rows.append((code, indicator, day.isoformat() if text_dates else day,
                             value, numerator, denominator, 10.0 / 3))  # fmt: skip
    rng.shuffle(rows)
    return rows


def _same(a: Panel, b: Panel) -> None:
    for name in ["months", "series_provider", "series_indicator"]:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y), name
    for name in ["value", "numerator", "denominator", "expected"]:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        assert np.array_equal(x.view(np.int64), y.view(np.int64)), name


@pytest.mark.parametrize("text_dates", [True, False])
def test_rows_give_the_panel_of_the_same_frame(text_dates: bool) -> None:
    rows = _rows(text_dates)
    providers = [provider("ZA1"), provider("ZA2"), provider("ZA3")]
    indicators = [shmi(), replace(shmi(), id="other")]
    expected = panel_from_frame(pd.DataFrame(rows, columns=COLUMNS), providers, indicators)
    got = panel_from_rows(rows, providers, indicators)
    _same(got, expected)
    assert expected.n_series == 6
    assert np.isnan(got.denominator[got.series_indicator == 0]).all()


def test_no_rows_give_an_empty_panel() -> None:
    got = panel_from_rows([], [provider("ZA1")], [shmi()])
    assert got.n_series == 0
    assert got.months.size == 0


def test_rows_of_the_wrong_width_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="expected 7 columns"):
        panel_from_rows([("ZA1", "shmi", "2016-01-01", 1.0)], [provider("ZA1")], [shmi()])
