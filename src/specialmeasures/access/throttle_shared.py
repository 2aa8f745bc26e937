"""The login throttle's failures kept in the database, shared by every worker process.

With ``serve --workers N``, each worker's memory would allow the free attempts N times over; the
database's book (``login_failures``, ``login_known``) is one count for all of them. Every decision
takes the write lock ``login-throttle`` (``store/locks.py``: an advisory lock on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite), so parallel attempts in several processes are counted one after
another, as the in-memory book's lock does within one. Rows older than the window are deleted as
the throttle reads; times are stored as naive UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, select, update

from specialmeasures.access.throttle import FailureBook, LoginThrottle, _account, _address
from specialmeasures.store import Repository
from specialmeasures.store.locks import hold
from specialmeasures.store.tables import login_failures, login_known

__all__ = ["DatabaseBook", "database_throttle"]

# The columns' lengths (store/tables.py): longer typed usernames are cut, never refused.
_KEY, _NAME, _ADDRESS = 300, 254, 64


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at


class DatabaseBook:
    """A :class:`~specialmeasures.access.throttle.FailureBook` on one locked connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def recent(self, key: str, since: datetime) -> list[datetime]:
        cut = _naive(since)
        self.conn.execute(delete(login_failures).where(login_failures.c.at <= cut))
        rows = self.conn.execute(
            select(login_failures.c.at)
            .where((login_failures.c.key == key[:_KEY]) & (login_failures.c.at > cut))
            .order_by(login_failures.c.at, login_failures.c.id)
        ).scalars()
        zone = UTC if since.tzinfo is not None else None
        return [at.replace(tzinfo=zone) for at in rows]

    def known(self, username: str, address: str) -> bool:
        found = self.conn.execute(
            select(
                exists().where(
                    (login_known.c.username == username[:_NAME])
                    & (login_known.c.address == address[:_ADDRESS])
                )
            )
        ).scalar()
        return bool(found)

    def add(self, at: datetime, username: str, address: str) -> None:
        row: dict[str, Any] = {
            "username": username[:_NAME],
            "address": address[:_ADDRESS],
            "at": _naive(at),
        }
        self.conn.execute(
            insert(login_failures),
            [{**row, "key": _account(username)[:_KEY]}, {**row, "key": _address(address)[:_KEY]}],
        )

    def forget(self, username: str, address: str, at: datetime) -> None:
        name, addr = username[:_NAME], address[:_ADDRESS]
        self.conn.execute(
            delete(login_failures).where(
                (login_failures.c.username == name) & (login_failures.c.address == addr)
            )
        )
        if self.known(username, address):
            self.conn.execute(
                update(login_known)
                .where((login_known.c.username == name) & (login_known.c.address == addr))
                .values(at=_naive(at))
            )
        else:
            self.conn.execute(
                insert(login_known).values(username=name, address=addr, at=_naive(at))
            )


def _opener(repo: Repository) -> Callable[[], AbstractContextManager[FailureBook]]:
    @contextmanager
    def opened() -> Iterator[FailureBook]:
        with repo.transaction() as conn:
            hold(conn, "login-throttle")
            yield DatabaseBook(conn)

    return opened


def database_throttle(repo: Repository, **limits: Any) -> LoginThrottle:
    """A :class:`LoginThrottle` whose counts live in ``repo``'s database (every worker's)."""
    return LoginThrottle(book=_opener(repo), **limits)
