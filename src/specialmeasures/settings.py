"""Settings, read once from the environment by the edges (CLI, web) and passed inward."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

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
    """

    database_url: str = DEFAULT_DATABASE_URL
    echo_sql: bool = False
    cookie_secure: bool | None = None
    audit_key_file: str | None = None
    audit_checkpoint_file: str | None = None

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
            audit_key_file=env.get("SPECIALMEASURES_AUDIT_KEY_FILE", "").strip() or None,
            audit_checkpoint_file=env.get("SPECIALMEASURES_AUDIT_CHECKPOINT_FILE", "").strip()
            or None,
        )

    def audit_files(self) -> tuple[Path, Path] | None:
        """The audit key file and checkpoint file (None: a database only in memory)."""
        key = Path(self.audit_key_file).expanduser() if self.audit_key_file else None
        if key is None:
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
