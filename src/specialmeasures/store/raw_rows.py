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
from sqlalchemy.engine.interfaces import Compiled

__all__ = ["binary_safe", "raw_rows"]


def raw_rows(engine: Engine, query: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as a plain tuple of the driver's values."""
    with engine.connect() as conn:
        if engine.dialect.driver == "psycopg":
            compiled = query.compile(dialect=engine.dialect)
            if binary_safe(compiled):
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


def binary_safe(compiled: Compiled) -> bool:
    """Whether a compiled query's parameters go to the driver as they are (no bind processor,
    no expanding ``IN`` list, no literal parameter), so its SQL and ``params`` can be run on
    the driver's own cursor. ``_bind_processors`` is SQLAlchemy's private attribute: if a later
    version drops it, every query takes the general path."""
    processors = getattr(compiled, "_bind_processors", None)
    return processors is not None and not (
        processors
        or getattr(compiled, "post_compile_params", None)  # expanding IN lists
        or getattr(compiled, "literal_execute_params", None)
    )
