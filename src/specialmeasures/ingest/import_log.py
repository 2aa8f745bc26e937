"""The ``imports`` table: one row per file imported, so the same file is never applied twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from specialmeasures.store.tables import imports

__all__ = ["ImportRecord", "find_import", "record_import", "sha256_of"]


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: int
    kind: str
    file_name: str
    sha256: str
    sheet: str
    rows_read: int
    rows_applied: int
    imported_at: datetime
    actor: str
    rows_created: int | None = None
    rows_updated: int | None = None
    #: JSON ``{reason: count}`` of the rows skipped, when the importer records them.
    skipped: str | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_import(conn: Connection, *, kind: str, sha256: str, sheet: str) -> ImportRecord | None:
    """The earlier import of this exact file (by content) and sheet, if any."""
    row = (
        conn.execute(
            select(imports).where(
                imports.c.kind == kind, imports.c.sha256 == sha256, imports.c.sheet == sheet
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else ImportRecord(**dict(row))


def record_import(
    conn: Connection,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    sheet: str,
    rows_read: int,
    rows_applied: int,
    imported_at: datetime,
    actor: str,
    rows_created: int | None = None,
    rows_updated: int | None = None,
    skipped: Mapping[str, int] | None = None,
) -> int:
    """Insert the import's row inside the caller's transaction; return its id."""
    result = conn.execute(
        insert(imports).values(
            kind=kind,
            file_name=file_name[:300],
            sha256=sha256,
            sheet=sheet,
            rows_read=rows_read,
            rows_applied=rows_applied,
            imported_at=imported_at.replace(microsecond=0, tzinfo=None),
            actor=actor,
            rows_created=rows_created,
            rows_updated=rows_updated,
            skipped=None if skipped is None else json.dumps(dict(sorted(skipped.items()))),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
