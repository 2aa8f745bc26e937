"""The driver's rows (``store.raw_rows``) hold the values SQLAlchemy reads, on SQLite and on
PostgreSQL (where they come in the binary protocol): dates, floats to the last bit, NULLs,
strings; with a date parameter and with an expanding IN list."""

from __future__ import annotations

import struct
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import psycopg

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.store.loader import load_country
from specialmeasures.store.raw_rows import binary_safe, raw_rows
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


def test_plain_queries_take_the_binary_path_and_in_lists_do_not() -> None:
    """``binary_safe`` chooses the binary protocol from SQLAlchemy's compiled query (a private
    attribute among others): compiled for psycopg with no database, a plain query is safe and an
    expanding IN list is not. If a SQLAlchemy upgrade drops the attribute, the general path
    still answers (the test above) but the speed is lost: this fails and says so."""
    dialect = psycopg.dialect()
    plain = select(o.c.value).where(o.c.period <= date(2014, 6, 30)).compile(dialect=dialect)
    listed = select(o.c.value).where(o.c.indicator_id.in_(["shmi"])).compile(dialect=dialect)
    assert binary_safe(plain)
    assert not binary_safe(listed)
