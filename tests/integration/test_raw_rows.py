"""The driver's rows (``store.raw_rows``) hold the values SQLAlchemy reads, on SQLite and on
PostgreSQL (where they come in the binary protocol): dates, floats to the last bit, NULLs,
strings; with a date parameter and with an expanding IN list."""

from __future__ import annotations

import struct
from datetime import date
from typing import Any

from sqlalchemy import select

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.store.loader import load_country
from specialmeasures.store.raw_rows import raw_rows
from specialmeasures.store.tables import observations as o


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))  # bit for bit (NaN and -0.0 included)
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return ("date", value)  # SQLite's date text
    return (type(value).__name__, value)


def test_raw_rows_are_the_values_sqlalchemy_reads(platform: Platform) -> None:
    load_country(platform.repository, generate(7, end=date(2014, 12, 1)))
    engine = platform.repository.engine
    columns = [o.c.provider_code, o.c.indicator_id, o.c.period, o.c.value, o.c.numerator,
               o.c.denominator, o.c.expected]  # fmt: skip
    order = [o.c.provider_code, o.c.indicator_id, o.c.period]
    queries = [
        select(*columns).where(o.c.period <= date(2014, 6, 30)).order_by(*order),
        select(*columns).where(o.c.indicator_id.in_(["shmi", "no-such"])).order_by(*order),
    ]
    for query in queries:
        with engine.connect() as conn:
            expected = [tuple(_plain(v) for v in row) for row in conn.execute(query)]
        got = [tuple(_plain(v) for v in row) for row in raw_rows(engine, query)]
        assert expected
        assert got == expected
    nulls = sum(v is None for row in raw_rows(engine, queries[0]) for v in row)
    assert nulls > 0  # the comparison covered missing numbers too


def test_the_binary_path_stays_reachable_on_postgresql(platform: Platform) -> None:
    """``raw_rows`` reads SQLAlchemy's private ``_bind_processors`` to choose the binary
    protocol; if a SQLAlchemy upgrade drops it, the general path still answers (the test above)
    but the speed is lost: this says so."""
    engine = platform.repository.engine
    if engine.dialect.driver != "psycopg":
        assert raw_rows(engine, select(o.c.value).limit(1)) == []  # SQLite: the general path
        return
    compiled = (
        select(o.c.value).where(o.c.period <= date(2014, 6, 30)).compile(dialect=engine.dialect)
    )
    assert getattr(compiled, "_bind_processors", None) is not None
