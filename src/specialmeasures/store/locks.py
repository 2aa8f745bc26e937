"""Write locks held until the caller's transaction ends, on SQLite and PostgreSQL alike.

Two writers that each read a value and then write what follows from it (the audit chain's next
row, a provider's next lifecycle step) must not interleave. ``hold`` serialises them:

* on PostgreSQL, a transaction-level advisory lock named by a 64-bit hash of the lock's name,
  released by COMMIT or ROLLBACK; other names do not wait;
* on SQLite, ``BEGIN IMMEDIATE`` when the transaction has not written yet (the driver defers
  BEGIN to the first write, so the reads before it would otherwise see a state another writer
  can change). A transaction that has written already holds SQLite's one write lock. Waiting
  writers wait up to the connection's busy timeout (``store.database.SQLITE_BUSY_TIMEOUT``).

After a bulk load with explicit ids, ``reset_sequences`` moves PostgreSQL's serial sequences past
the largest id, so that the next insert does not collide with a loaded row.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

__all__ = ["hold", "reset_sequences"]


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def hold(conn: Connection, name: str) -> None:
    """Take the write lock ``name`` for the rest of ``conn``'s transaction."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(name)})
    elif dialect == "sqlite":
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not getattr(dbapi, "in_transaction", True):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def reset_sequences(conn: Connection) -> list[str]:
    """On PostgreSQL, set every serial sequence past its table's largest id; names the tables.

    The sequences are found in the database's own catalogue (not this version's tables), so a
    migration can call it too. A no-op on SQLite, whose ``INTEGER PRIMARY KEY`` always continues
    after the largest row.
    """
    if conn.dialect.name != "postgresql":
        return []
    serials = conn.execute(
        text(
            "SELECT table_name, column_name,"
            " pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq"
            " FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')"
            " ORDER BY table_name"
        )
    ).all()
    for table, column, sequence in serials:
        if sequence is None:
            continue
        conn.execute(
            text(
                f'SELECT setval(:s, COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1,'
                " false)"
            ),
            {"s": sequence},
        )
    return [str(table) for table, _, sequence in serials if sequence is not None]
