"""The data version: a counter bumped in the same transaction as every change to the data.

Caches of read models (``store.versioned``) are keyed on it. It used to be the newest audit
row, but a confidential page view is audited too, so every read made a new version and no
regulator page was ever served from cache. Now only audit rows that record a change bump the
counter: reads (``read.*``), refusals (``access.*``) and sign-in events (``login.*``,
``logout``) do not. An action not named here counts as a change, so a new kind of write can
only make caches fresher than needed, never stale.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, insert, select, update

from specialmeasures.store.tables import data_version as data_version_table

__all__ = ["NOT_CHANGES", "bump", "changes_data", "current"]

#: Prefixes of audit actions that record who looked (or tried), not a change to the data.
NOT_CHANGES = ("read.", "access.", "login.", "logout")
#: The one row of the counter table.
ROW_ID = 1


def changes_data(action: str) -> bool:
    """Whether an audited action changes the data (and so the data version).

    >>> changes_data("read.watchlist.read"), changes_data("decision.enter")
    (False, True)
    """
    return not action.startswith(NOT_CHANGES)


def bump(conn: Connection) -> None:
    """Advance the version inside the caller's transaction (commits and rollbacks with it)."""
    table = data_version_table
    done = conn.execute(
        update(table).where(table.c.id == ROW_ID).values(version=table.c.version + 1)
    )
    if done.rowcount == 0:  # the migration inserts the row; recreate it if it was removed
        conn.execute(insert(table).values(id=ROW_ID, version=1))


def current(bind: Engine | Connection) -> int:
    """The current version (0 before any change)."""
    query = select(data_version_table.c.version).where(data_version_table.c.id == ROW_ID)
    if isinstance(bind, Connection):
        value = bind.execute(query).scalar_one_or_none()
    else:
        with bind.connect() as conn:
            value = conn.execute(query).scalar_one_or_none()
    return int(value or 0)
