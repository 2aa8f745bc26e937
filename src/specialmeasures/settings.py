"""Settings, read once from the environment by the edges (CLI, web) and passed inward."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from specialmeasures.domain.errors import SpecialMeasuresError

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

#: The embedded default: a SQLite file in the working directory.
DEFAULT_DATABASE_URL = "sqlite:///specialmeasures.db"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about a running platform.

    Environment variables (all optional):

    ``SPECIALMEASURES_DATABASE_URL``
        SQLAlchemy URL of the database: ``sqlite:///path/to/file.db`` (default
        ``sqlite:///specialmeasures.db``) or ``postgresql+psycopg://user@host:port/name``.
    ``SPECIALMEASURES_ECHO_SQL``
        ``1`` to log every SQL statement (debugging).
    ``SPECIALMEASURES_COOKIE_SECURE``
        ``1`` to mark the web app's cookies ``Secure`` (sent over HTTPS only), ``0`` not to.
        Unset (the default): ``Secure`` unless the request is to a loopback address
        (``localhost``, ``127.0.0.1``, ``::1``), so the demo works over plain HTTP on one machine.
    ``SPECIALMEASURES_IMPORT_EARLIEST_DATE``
        The earliest date an imported file may carry, ``YYYY-MM-DD`` (default ``1948-07-05``).
    ``SPECIALMEASURES_IMPORT_FUTURE_DAYS``
        How many days past the day of the import a date may lie (default ``366``).
    """

    database_url: str = DEFAULT_DATABASE_URL
    echo_sql: bool = False
    cookie_secure: bool | None = None
    import_earliest_date: date = date(1948, 7, 5)
    import_future_days: int = 366

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("SPECIALMEASURES_DATABASE_URL", "").strip()
            or DEFAULT_DATABASE_URL,
            echo_sql=env.get("SPECIALMEASURES_ECHO_SQL", "") == "1",
            cookie_secure={"1": True, "0": False}.get(
                env.get("SPECIALMEASURES_COOKIE_SECURE", "").strip()
            ),
            **_import_window(env),
        )


def _import_window(env: Mapping[str, str]) -> dict[str, Any]:
    """The import date window's settings, when the environment sets them (checked here)."""
    out: dict[str, Any] = {}
    earliest = env.get("SPECIALMEASURES_IMPORT_EARLIEST_DATE", "").strip()
    days = env.get("SPECIALMEASURES_IMPORT_FUTURE_DAYS", "").strip()
    try:
        if earliest:
            out["import_earliest_date"] = date.fromisoformat(earliest)
        if days:
            out["import_future_days"] = int(days)
            if out["import_future_days"] < 0:
                raise ValueError
    except ValueError:
        raise SpecialMeasuresError(
            "SPECIALMEASURES_IMPORT_EARLIEST_DATE must be YYYY-MM-DD and "
            f"SPECIALMEASURES_IMPORT_FUTURE_DAYS a whole number of days >= 0 "
            f"(got {earliest!r}, {days!r})"
        ) from None
    return out
