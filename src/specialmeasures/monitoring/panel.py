"""Every provider x indicator series as one block of arrays (series x month), loaded once.

The watch list and its validation read the whole indicator history in one query and run the
statistics kernels over these arrays; nothing loops over series in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
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
    series_key, s = np.unique(key, return_inverse=True)
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
    whole columns at once rather than building a data frame."""
    if not rows:
        return panel_from_frame(pd.DataFrame(columns=list(_COLUMNS)), providers, indicators)
    columns = dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True))
    p_index = {p.code: i for i, p in enumerate(providers)}
    i_index = {d.id: i for i, d in enumerate(indicators)}
    n = len(rows)
    prov = np.fromiter((p_index.get(c, -1) for c in columns["provider_code"]), np.intp, n)
    ind = np.fromiter((i_index.get(c, -1) for c in columns["indicator_id"]), np.intp, n)
    keep = (prov >= 0) & (ind >= 0)
    try:  # YYYY-MM-DD text (SQLite) or date objects (PostgreSQL)
        period = np.array(columns["period"], dtype="datetime64[D]")
    except ValueError:
        period = pd.to_datetime(pd.Series(columns["period"])).to_numpy()
    month = period[keep].astype("datetime64[M]")

    def column(name: str) -> FloatArray:
        return np.array(columns[name], dtype=np.float64)  # None becomes NaN

    return _panel(providers, indicators, prov[keep], ind[keep], month, keep, column)


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
