"""Settings, read once from the environment by the edges (CLI, web) and passed inward."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from specialmeasures.domain.errors import InputError, SpecialMeasuresError

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
    ``SPECIALMEASURES_AUDIT_KEY_FILE``
        The file holding the audit log's secret key (hexadecimal; created with a random key,
        mode 0600, on first use). Default: ``<database file>.audit-key`` beside a SQLite file,
        otherwise ``$XDG_STATE_HOME/specialmeasures/<host>-<port>-<database>.audit-key``
        (``~/.local/state`` when ``XDG_STATE_HOME`` is unset).
    ``SPECIALMEASURES_AUDIT_CHECKPOINT_FILE``
        Where the audit log's head (row count and last hash) is checkpointed after each commit.
        Default: beside the key file, with the suffix ``.audit-head``.
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
    ``SPECIALMEASURES_IMPORT_EARLIEST_DATE``
        The earliest date an imported file may carry, ``YYYY-MM-DD`` (default ``1948-07-05``).
    ``SPECIALMEASURES_IMPORT_FUTURE_DAYS``
        How many days past the day of the import a date may lie (default ``366``).
    """

    database_url: str = DEFAULT_DATABASE_URL
    echo_sql: bool = False
    cookie_secure: bool | None = None
    base_url: str | None = None
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    audit_key_file: str | None = None
    audit_checkpoint_file: str | None = None
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
            base_url=_base_url(env.get("SPECIALMEASURES_BASE_URL", "")),
            max_request_bytes=_positive_int(
                "SPECIALMEASURES_MAX_REQUEST_BYTES",
                env.get("SPECIALMEASURES_MAX_REQUEST_BYTES", ""),
                DEFAULT_MAX_REQUEST_BYTES,
            ),
            audit_key_file=env.get("SPECIALMEASURES_AUDIT_KEY_FILE", "").strip() or None,
            audit_checkpoint_file=env.get("SPECIALMEASURES_AUDIT_CHECKPOINT_FILE", "").strip()
            or None,
            **_import_window(env),
        )

    def audit_files(self) -> tuple[Path, Path] | None:
        """The audit key file and checkpoint file (None: a database only in memory)."""
        key = Path(self.audit_key_file).expanduser() if self.audit_key_file else None
        if key is None:
            from sqlalchemy.engine import make_url  # commands that never open a database skip it

            url = make_url(self.database_url)
            if url.get_backend_name() == "sqlite":
                if url.database in (None, "", ":memory:"):
                    return None
                key = Path(f"{Path(str(url.database)).expanduser().resolve()}.audit-key")
            else:
                state = os.environ.get("XDG_STATE_HOME", "").strip()
                folder = Path(state) if state else Path.home() / ".local" / "state"
                name = f"{url.host or 'local'}-{url.port or 5432}-{url.database or 'default'}"
                key = folder / "specialmeasures" / f"{_safe_name(name)}.audit-key"
        if self.audit_checkpoint_file:
            return key, Path(self.audit_checkpoint_file).expanduser()
        return key, key.with_name(key.name.removesuffix(".audit-key") + ".audit-head")


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


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
