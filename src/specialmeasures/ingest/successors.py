"""Mergers and successors of trusts, as reviewed data (``data/ods_successors.csv``).

ODS gives a new code to a trust formed by a merger but does not say which trusts it replaced,
and a trust that acquires another keeps its code under a new name. Which code took over from
which, and when, is therefore kept as reviewed data with the evidence for each entry (see the
file's header), loaded into ``provider_successors`` and queried with :func:`successors_of` and
:func:`successor_on`. Nothing is inferred from names at run time.

Loading also dates the closure of predecessors the register holds without a close date (a trust
that has simply gone from a newer snapshot): its last day is the day before the successor took
over. A close date ODS published is never changed; a disagreement is reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select, update

from specialmeasures.domain import InputError
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.reviewed_csv import file_bytes, packaged_bytes, reviewed_rows
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import imports, provider_successors, providers

__all__ = [
    "IMPORT_KIND",
    "KINDS",
    "VERIFIED_FROM",
    "Successor",
    "SuccessorFile",
    "SuccessorReport",
    "load_successors",
    "packaged_successors",
    "parse_successors",
    "read_successors",
    "successor_on",
    "successors_of",
]

IMPORT_KIND = "ods-successors"
PACKAGED_NAME = "ods_successors.csv"
COLUMNS = (
    "predecessor_code",
    "predecessor_name",
    "successor_code",
    "successor_name",
    "effective_date",
    "kind",
    "verified_from",
    "note",
)
KINDS = {
    "merger": "trusts joined into one (the successor may keep one of their codes)",
    "acquisition": "the successor took the predecessor over",
    "dissolution": "the predecessor's services were split between successors",
}
VERIFIED_FROM = {
    "ods-dates": "the ODS files give the date (a close date or a new code's open date)",
    "ods-snapshots": "the snapshots show the change; the date is from public announcements",
    "smq-record": "the public SMQ record names the change; the predecessor is in no snapshot",
}
_CODE = re.compile(r"^[A-Z0-9]{3}(?:[A-Z0-9]{2})?$")


@dataclass(frozen=True, slots=True)
class Successor:
    row: int
    predecessor_code: str
    predecessor_name: str
    successor_code: str
    successor_name: str
    effective_date: date
    kind: str
    verified_from: str
    note: str


@dataclass(frozen=True, slots=True)
class SuccessorFile:
    file: str
    sha256: str
    entries: tuple[Successor, ...]


def parse_successors(file: str, data: bytes) -> SuccessorFile:
    """Validate the file; an ``InputError`` names the file, row, column and value."""
    entries: list[Successor] = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells, values in reviewed_rows(file, data, COLUMNS):

        def fail(
            column: str, message: str, _row: int = row, _cells: dict[str, str] = cells
        ) -> InputError:
            return InputError(
                message, file=file, row=_row, column=column, value=_cells.get(column) or ""
            )

        for column in ("predecessor_code", "successor_code"):
            if not _CODE.match(values[column]):
                raise fail(column, "is not an ODS organisation code (3 or 5 capitals/digits)")
        if values["predecessor_code"] == values["successor_code"]:
            raise fail("successor_code", "is the predecessor itself")
        try:
            effective = date.fromisoformat(values["effective_date"])
        except ValueError:
            raise fail("effective_date", "is not a date in the form YYYY-MM-DD") from None
        if values["kind"] not in KINDS:
            raise fail("kind", f"is not one of {', '.join(KINDS)}")
        if values["verified_from"] not in VERIFIED_FROM:
            raise fail("verified_from", f"is not one of {', '.join(VERIFIED_FROM)}")
        for column in ("predecessor_name", "successor_name"):
            if not values[column]:
                raise fail(column, "is empty")
        key = (values["predecessor_code"], values["successor_code"])
        if key in seen:
            raise fail("successor_code", f"repeats the pair of row {seen[key]}")
        seen[key] = row
        entries.append(
            Successor(
                row=row,
                predecessor_code=values["predecessor_code"],
                predecessor_name=values["predecessor_name"],
                successor_code=values["successor_code"],
                successor_name=values["successor_name"],
                effective_date=effective,
                kind=values["kind"],
                verified_from=values["verified_from"],
                note=values["note"],
            )
        )
    if not entries:
        raise InputError("holds no successors", file=file)
    return SuccessorFile(file, sha256_of(data), tuple(entries))


def packaged_successors() -> SuccessorFile:
    """The reviewed file shipped inside the package."""
    return parse_successors(PACKAGED_NAME, packaged_bytes(PACKAGED_NAME))


def read_successors(path: Path) -> SuccessorFile:
    return parse_successors(path.name, file_bytes(path))


@dataclass(frozen=True, slots=True)
class SuccessorReport:
    file: str
    sha256: str
    entries: int
    #: predecessor code -> the close date set from the successors file
    closed: dict[str, date]
    #: predecessors whose ODS close date disagrees: code -> (ODS close date, implied close date)
    disagreements: dict[str, tuple[date, date]]
    not_in_register: tuple[str, ...]
    already_loaded: bool
    import_id: int


def load_successors(
    repo: Repository, source: SuccessorFile, *, actor: str, at: datetime
) -> SuccessorReport:
    """Replace ``provider_successors`` with ``source`` in one transaction and date the closure
    of predecessors that have none; loading the same file again changes nothing."""
    with repo.transaction() as conn:
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=source.sha256, sheet="successors")
        current = conn.execute(
            select(provider_successors.c.import_id).limit(1)
        ).scalar_one_or_none()
        known = {
            r["code"]: r
            for r in conn.execute(
                select(providers.c.code, providers.c.close_date, providers.c.synthetic)
            ).mappings()
        }
        codes = {c for e in source.entries for c in (e.predecessor_code, e.successor_code)}
        missing = tuple(sorted(c for c in codes if c not in known))
        if earlier is not None and current == earlier.id:
            return SuccessorReport(
                source.file, source.sha256, len(source.entries), {}, {}, missing, True, earlier.id
            )
        conn.execute(delete(provider_successors))
        # A predecessor split between successors on different days existed until its last
        # part went (Pennine Acute: April and October 2021).
        last_day: dict[str, date] = {}
        for e in source.entries:
            day = e.effective_date - timedelta(days=1)
            last_day[e.predecessor_code] = max(day, last_day.get(e.predecessor_code, day))
        closed: dict[str, date] = {}
        disagreements: dict[str, tuple[date, date]] = {}
        for code, day in sorted(last_day.items()):
            row = known.get(code)
            if row is None or row["synthetic"]:
                continue
            if row["close_date"] is None:
                conn.execute(
                    update(providers).where(providers.c.code == code).values(close_date=day)
                )
                closed[code] = day
            elif row["close_date"] != day:
                disagreements[code] = (row["close_date"], day)
        import_id = (
            earlier.id
            if earlier is not None
            else record_import(
                conn,
                kind=IMPORT_KIND,
                file_name=source.file,
                sha256=source.sha256,
                sheet="successors",
                rows_read=len(source.entries),
                rows_applied=len(source.entries),
                imported_at=at,
                actor=actor,
                rows_created=len(source.entries),
                rows_updated=len(closed),
                skipped={},
            )
        )
        conn.execute(
            insert(provider_successors),
            [
                {
                    "predecessor_code": e.predecessor_code,
                    "successor_code": e.successor_code,
                    "effective_date": e.effective_date,
                    "kind": e.kind,
                    "verified_from": e.verified_from,
                    "note": e.note,
                    "import_id": import_id,
                }
                for e in source.entries
            ],
        )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.ods_successors",
            entity="import",
            entity_key=str(import_id),
            payload={
                "file": source.file,
                "sha256": source.sha256,
                "entries": len(source.entries),
                "close_dates_set": {k: v.isoformat() for k, v in closed.items()},
                "disagreements": {
                    k: [a.isoformat(), b.isoformat()] for k, (a, b) in disagreements.items()
                },
                "not_in_register": list(missing),
            },
            at=at,
        )
    return SuccessorReport(
        source.file,
        source.sha256,
        len(source.entries),
        closed,
        disagreements,
        missing,
        False,
        import_id,
    )


@dataclass(frozen=True, slots=True)
class StoredSuccessor:
    predecessor_code: str
    successor_code: str
    effective_date: date
    kind: str
    verified_from: str
    note: str


def _stored(conn: Connection) -> dict[str, list[StoredSuccessor]]:
    out: dict[str, list[StoredSuccessor]] = defaultdict(list)
    rows = conn.execute(
        select(provider_successors).order_by(
            provider_successors.c.effective_date, provider_successors.c.successor_code
        )
    ).mappings()
    for r in rows:
        out[r["predecessor_code"]].append(
            StoredSuccessor(
                r["predecessor_code"],
                r["successor_code"],
                r["effective_date"],
                r["kind"],
                r["verified_from"],
                r["note"],
            )
        )
    return out


def successors_of(repo: Repository, code: str) -> list[StoredSuccessor]:
    """The trusts that took over from ``code`` directly (empty when none is recorded)."""
    with repo.engine.connect() as conn:
        return _stored(conn).get(code, [])


def successor_on(repo: Repository, code: str, day: date) -> tuple[str, ...]:
    """The code(s) that held ``code``'s services on ``day``, following successions in force by
    then (``RNL`` on 2020-01-01 is ``RNN``); ``code`` itself when none had taken effect."""
    with repo.engine.connect() as conn:
        table = _stored(conn)
    found: list[str] = []
    pending = [code]
    seen: set[str] = set()
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        later = [s for s in table.get(current, []) if s.effective_date <= day]
        if not later:
            found.append(current)
        pending.extend(s.successor_code for s in later)
    return tuple(sorted(set(found)))


def import_row(repo: Repository) -> dict[str, object] | None:
    """The import that loaded the stored successors (file name, hash, when), if any."""
    with repo.engine.connect() as conn:
        current = conn.execute(
            select(provider_successors.c.import_id).limit(1)
        ).scalar_one_or_none()
        if current is None:
            return None
        row = conn.execute(select(imports).where(imports.c.id == current)).mappings().one()
    return dict(row)
