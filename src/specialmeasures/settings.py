"""Settings, read once from the environment by the edges (CLI, web) and passed inward."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from specialmeasures.domain.errors import InputError

__all__ = ["DEFAULT_DATABASE_URL", "DEFAULT_MAX_REQUEST_BYTES", "Settings"]

#: The embedded default: a SQLite file in the working directory.
DEFAULT_DATABASE_URL = "sqlite:///specialmeasures.db"
#: Largest request body the web app reads (1 MiB): its forms are a few kilobytes.
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~\-/]*)?$")


def _base_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not _BASE_URL.match(value):
        raise InputError(
            "SPECIALMEASURES_BASE_URL must be an http(s) address with no query or fragment, "
            "e.g. https://specialmeasures.example.org",
            value=value,
        )
    return value.rstrip("/")


def _positive_int(name: str, value: str, default: int) -> int:
    value = value.strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"{name} must be a whole number of bytes, at least 1", value=value)
    return int(value)


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
    ``SPECIALMEASURES_BASE_URL``
        The address people reach the web app at (``https://specialmeasures.example.org``); absolute
        links are built from it, never from the request's ``Host`` header, and an ``https`` one
        turns on HSTS. Unset: links are relative paths.
    ``SPECIALMEASURES_MAX_REQUEST_BYTES``
        Largest request body the web app reads, counted as it arrives (default 1 MiB).
    """

    database_url: str = DEFAULT_DATABASE_URL
    echo_sql: bool = False
    cookie_secure: bool | None = None
    base_url: str | None = None
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES

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
            base_url=_base_url(env.get("SPECIALMEASURES_BASE_URL", "")),
            max_request_bytes=_positive_int(
                "SPECIALMEASURES_MAX_REQUEST_BYTES",
                env.get("SPECIALMEASURES_MAX_REQUEST_BYTES", ""),
                DEFAULT_MAX_REQUEST_BYTES,
            ),
        )
