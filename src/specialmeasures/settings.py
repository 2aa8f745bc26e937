"""Settings, read once from the environment by the edges (CLI, web) and passed inward."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

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
    """

    database_url: str = DEFAULT_DATABASE_URL
    echo_sql: bool = False
    cookie_secure: bool | None = None

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
        )
