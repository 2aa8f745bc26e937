"""Engines and schema versions: open a database by URL, migrate it, check it is current.

SQLite is the embedded default (WAL journal, foreign keys enforced on every connection);
PostgreSQL is used through a ``postgresql+psycopg://`` URL. Failures are reported as
``DatabaseError`` with one line that names the database (password hidden) and the cause.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from specialmeasures.domain.errors import SpecialMeasuresError

__all__ = [
    "DatabaseError",
    "SchemaState",
    "current_revision",
    "ensure_current",
    "head_revision",
    "migrate",
    "open_engine",
    "safe_url",
]

MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite writer waits for the write lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT = 60.0


class DatabaseError(SpecialMeasuresError):
    """The database cannot be opened, or its schema is not the one this version expects."""


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` and check that a connection can be made."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"SPECIALMEASURES_DATABASE_URL is not a database URL: {url!r} "
            "(expected e.g. sqlite:///specialmeasures.db or postgresql+psycopg://user@host/db)"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise DatabaseError(
            f"unsupported database {backend!r} in {safe_url(url)}: use sqlite or postgresql"
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        parent = Path(str(parsed.database)).expanduser().resolve().parent
        if not parent.is_dir():
            raise DatabaseError(f"cannot open {safe_url(url)}: folder {parent} does not exist")
    # A writer waits this long for another's write lock (a long import) before giving up.
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT} if backend == "sqlite" else {}
    try:
        engine = create_engine(parsed, echo=echo, future=True, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise DatabaseError(f"cannot open {safe_url(url)}: {error}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError) as error:
        engine.dispose()
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise DatabaseError(f"cannot connect to {safe_url(url)}: {reason}") from None
    return engine


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def _join(revisions: Iterable[str]) -> str:
    return "+".join(sorted(revisions))


def head_revision() -> str:
    """The newest migration(s) this version of the software knows ("a+b" if there are branches)."""
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert heads
    return _join(heads)


def current_revision(engine: Engine) -> str | None:
    """The migration(s) the database is at (None for an empty database)."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return _join(heads) if heads else None


def migrate(engine: Engine, revision: str = "heads") -> str:
    """Upgrade the database to ``revision`` (default: the newest); returns the revision reached."""
    _check_known(engine)
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    reached = current_revision(engine)
    assert reached is not None
    return reached


class SchemaState:
    """Names for what ``ensure_current`` may find."""

    EMPTY = "empty"
    BEHIND = "behind"
    CURRENT = "current"


def _check_known(engine: Engine) -> str | None:
    revision = current_revision(engine)
    if revision is None:
        return None
    script = ScriptDirectory(str(MIGRATIONS))
    known = {rev.revision for rev in script.walk_revisions()}
    if not set(revision.split("+")) <= known:
        raise DatabaseError(
            f"{safe_url(str(engine.url))} is at migration {revision!r}, which this version of "
            f"specialmeasures does not know (newest known: {head_revision()!r}); "
            "upgrade specialmeasures or use another database"
        )
    return revision


def ensure_current(engine: Engine, *, upgrade: bool) -> str:
    """Check the schema is at the newest migration, upgrading first when ``upgrade`` is true.

    Raises ``DatabaseError`` for a database at an unknown migration, or one that is empty or
    behind when ``upgrade`` is false.
    """
    revision = _check_known(engine)
    head = head_revision()
    if revision == head:
        return SchemaState.CURRENT
    if upgrade:
        migrate(engine)
        return SchemaState.EMPTY if revision is None else SchemaState.BEHIND
    where = safe_url(str(engine.url))
    if revision is None:
        raise DatabaseError(
            f"{where} has no specialmeasures schema: run 'specialmeasures db upgrade' "
            "or 'specialmeasures demo --no-serve'"
        )
    raise DatabaseError(
        f"{where} is at migration {revision!r}, older than {head!r}: "
        "run 'specialmeasures db upgrade'"
    )
