"""Every provider x indicator series as one block of arrays (series x month), loaded once.

The watch list and its validation read the whole indicator history in one query and run the
statistics kernels over these arrays; nothing loops over series in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from numpy.typing import NDArray
from sqlalchemy import select

from specialmeasures.domain import IndicatorDefinition, Provider
from specialmeasures.store import Repository
from specialmeasures.store.raw_rows import raw_rows
from specialmeasures.store.tables import observations

__all__ = ["Panel", "load_panel", "panel_from_frame", "panel_from_rows"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def month_number(day: object) -> int:
    """Months since 1970-01 of a date or numpy datetime64 (``datetime64[M]`` as an integer)."""
    return int(np.asarray(day, dtype="datetime64[M]").astype(np.int64))


@dataclass(frozen=True, eq=False)
class Panel:
    """Indicator series of many providers on one monthly grid.

    ``value``, ``numerator``, ``denominator`` and ``expected`` are (series x month) with NaN where
    there is no observation; series ``s`` is provider ``series_provider[s]`` and indicator
    ``series_indicator[s]``; month ``t`` is ``months[t]``.
    """

    providers: tuple[Provider, ...]
    indicators: tuple[IndicatorDefinition, ...]
    months: NDArray[np.datetime64]
    series_provider: IntArray
    series_indicator: IntArray
    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    expected: FloatArray

    @property
    def n_series(self) -> int:
        return int(self.series_provider.size)

    def month_index(self, day: date) -> int:
        """Index of the latest month started on or before ``day`` (-1 before the first)."""
        return month_number(day) - month_number(self.months[0]) if self.months.size else -1

    def month_date(self, index: int) -> date:
        out = self.months[index].astype("datetime64[D]").item()
        assert isinstance(out, date)
        return out


def panel_from_frame(
    frame: pd.DataFrame,
    providers: Sequence[Provider],
    indicators: Sequence[IndicatorDefinition],
) -> Panel:
    """Build a panel from observation rows (provider_code, indicator_id, period, value,
    numerator, denominator, expected); rows of unknown providers or indicators are ignored."""
    p_index = {p.code: i for i, p in enumerate(providers)}
    i_index = {d.id: i for i, d in enumerate(indicators)}
    prov = frame["provider_code"].map(p_index)
    ind = frame["indicator_id"].map(i_index)
    keep = prov.notna().to_numpy() & ind.notna().to_numpy()
    month = pd.to_datetime(frame["period"]).to_numpy()[keep].astype("datetime64[M]")

    def column(name: str) -> FloatArray:
        return np.asarray(pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64))

    return _panel(
        providers, indicators, prov.to_numpy()[keep].astype(np.intp),
        ind.to_numpy()[keep].astype(np.intp), month, keep, column,
    )  # fmt: skip


def _panel(
    providers: Sequence[Provider],
    indicators: Sequence[IndicatorDefinition],
    prov_a: IntArray,
    ind_a: IntArray,
    month: NDArray[np.datetime64],
    keep: NDArray[np.bool_],
    column: Callable[[str], FloatArray],
) -> Panel:
    if month.size == 0:
        empty = np.zeros((0, 0))
        return Panel(
            tuple(providers), tuple(indicators), np.array([], dtype="datetime64[M]"),
            np.zeros(0, np.intp), np.zeros(0, np.intp), empty, empty, empty, empty,
        )  # fmt: skip
    first, last = month.min(), month.max()
    months = np.arange(first, last + np.timedelta64(1, "M"), dtype="datetime64[M]")
    t = (month - first).astype(np.intp)
    key = prov_a * len(indicators) + ind_a
    # The distinct keys in order and each row's rank among them (what ``np.unique`` with
    # ``return_inverse`` gives, without sorting 600,000 keys: there are few possible keys).
    present = np.zeros(len(providers) * len(indicators), dtype=bool)
    present[key] = True
    series_key = np.flatnonzero(present)
    s = (np.cumsum(present) - 1)[key]
    shape = (series_key.size, months.size)

    def grid(name: str) -> FloatArray:
        out = np.full(shape, np.nan)
        out[s, t] = column(name)[keep]
        return out

    return Panel(
        providers=tuple(providers),
        indicators=tuple(indicators),
        months=months,
        series_provider=(series_key // len(indicators)).astype(np.intp),
        series_indicator=(series_key % len(indicators)).astype(np.intp),
        value=grid("value"),
        numerator=grid("numerator"),
        denominator=grid("denominator"),
        expected=grid("expected"),
    )


def panel_from_rows(
    rows: Sequence[tuple[Any, ...]],
    providers: Sequence[Provider],
    indicators: Sequence[IndicatorDefinition],
) -> Panel:
    """The same panel as :func:`panel_from_frame`, from the driver's rows (``store.raw_rows``:
    provider_code, indicator_id, period, value, numerator, denominator, expected), converting
    whole columns at once rather than building a data frame.

    The rows become one object array (one pass in C, cell by cell); codes, indicator ids and
    periods are factorised (hashed in C) so that only their few distinct values are looked up
    or parsed in Python; the numbers are converted column by column (``None`` becomes NaN)."""
    if not rows:
        return panel_from_frame(pd.DataFrame(columns=list(_COLUMNS)), providers, indicators)
    width = len(_COLUMNS)
    if len(rows[0]) != width:  # a cursor's rows all have the width of its first
        raise ValueError(f"rows: expected {width} columns ({', '.join(_COLUMNS)})")
    cells = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    table = cells.reshape(len(rows), width)
    p_index = {p.code: i for i, p in enumerate(providers)}
    i_index = {d.id: i for i, d in enumerate(indicators)}
    prov = _lookup(table[:, 0], p_index)
    ind = _lookup(table[:, 1], i_index)
    keep = (prov >= 0) & (ind >= 0)
    period_code, period_values = pd.factorize(table[:, 2])
    try:  # YYYY-MM-DD text (SQLite) or date objects (PostgreSQL)
        periods = np.array(list(period_values), dtype="datetime64[D]")
    except ValueError:
        periods = pd.to_datetime(pd.Series(list(period_values))).to_numpy()
    month = periods.astype("datetime64[M]")[period_code[keep]]
    numbers = {
        name: table[:, j].astype(np.float64)  # None becomes NaN
        for j, name in enumerate(_COLUMNS)
        if j >= 3
    }

    def column(name: str) -> FloatArray:
        return numbers[name]

    return _panel(providers, indicators, prov[keep], ind[keep], month, keep, column)


def _lookup(column: NDArray[np.object_], index: dict[Any, int]) -> IntArray:
    """Position in ``index`` of each value of ``column`` (-1 where absent), looking up each
    distinct value once."""
    codes, values = pd.factorize(column)
    positions = np.array([index.get(v, -1) for v in values] + [-1], dtype=np.intp)
    return np.asarray(positions[codes], dtype=np.intp)  # a missing value (-1) takes the last -1


_COLUMNS = (
    "provider_code", "indicator_id", "period", "value", "numerator", "denominator", "expected",
)  # fmt: skip


def load_panel(repository: Repository, as_of: date | None = None) -> Panel:
    """All observations known on ``as_of`` (periods started by then; all when None), in one
    query, as a panel over every provider and indicator in the store."""
    query = select(
        observations.c.provider_code,
        observations.c.indicator_id,
        observations.c.period,
        observations.c.value,
        observations.c.numerator,
        observations.c.denominator,
        observations.c.expected,
    )
    if as_of is not None:
        query = query.where(observations.c.period <= as_of)
    rows = raw_rows(repository.engine, query)
    return panel_from_rows(rows, repository.providers(), repository.indicators())
