"""Many rows at once, as the database driver returns them.

Reading the 600,000 observations of the demo through SQLAlchemy's result rows costs seconds in
per-value conversion (a date parsed from text on SQLite, a ``Row`` object per row); the
panels of the watch list and the evaluation convert whole columns with numpy instead. Values
come as the driver gives them: dates as ``YYYY-MM-DD`` text on SQLite and ``date`` objects on
PostgreSQL (``numpy.array(..., dtype="datetime64[D]")`` reads both), numbers as ``float``,
``int`` or ``None``.

On PostgreSQL (psycopg) the rows come in the binary protocol: the same values (a ``float8``
sent as its eight bytes rather than as text to parse), about a fifth less work for the client
on the demo's observations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select

__all__ = ["raw_rows"]


def raw_rows(engine: Engine, query: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as a plain tuple of the driver's values."""
    with engine.connect() as conn:
        if engine.dialect.driver == "psycopg":
            compiled = query.compile(dialect=engine.dialect)
            # Parameters the driver does not take as they are (SQLAlchemy's private attribute:
            # if a later version drops it, every query takes the general path below).
            processors = getattr(compiled, "_bind_processors", None)
            plain = processors is not None and not (
                processors
                or compiled.post_compile_params  # expanding IN lists
                or compiled.literal_execute_params
            )
            if plain:
                driver = conn.connection.driver_connection
                assert driver is not None
                with driver.cursor(binary=True) as cursor:
                    cursor.execute(str(compiled), compiled.params)
                    return list(cursor.fetchall())
        result = conn.execute(query)
        try:
            # The driver's own cursor: SQLAlchemy's bind parameters and SQL, none of its per-row
            # processing.
            return list(result.cursor.fetchall())
        finally:
            result.close()
