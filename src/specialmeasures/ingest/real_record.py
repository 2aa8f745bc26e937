"""The sourced, partial public record of real special-measures events, kept apart from the demo.

The record (``data/smq_events.csv``, a copy of ``reference/regime/smq_events.csv`` with its
provenance header) lists entry, exit, re-entry and other events for 27 real trusts, each with the
date as precisely as the source gives it and the address of the source. It is real: it is never
mixed with the register's providers (which may be synthetic) and never given ratings. It can be
read straight from the package (works on a fresh install) or loaded into the database's own
``real_smq_events`` table, idempotently and with an audit row.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import delete, insert, select

from specialmeasures.domain import InputError
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import imports, real_smq_events

__all__ = [
    "COLUMNS",
    "EVENTS",
    "IMPORT_KIND",
    "LoadReport",
    "RealEvent",
    "RealRecord",
    "date_bounds",
    "load_record",
    "packaged_record",
    "parse_record",
    "read_record",
    "stored_record",
]

IMPORT_KIND = "real-smq-events"
PACKAGED_NAME = "smq_events.csv"
COLUMNS = (
    "trust_name",
    "regime",
    "event",
    "event_date",
    "date_precision",
    "decided_by",
    "basis",
    "ratings_note",
    "source_url",
    "notes",
)
#: Event kinds the record uses, and what each means for a trust's time in the regime.
EVENTS = {
    "entry": "placed in the regime",
    "re-entry": "placed in the regime again after an exit",
    "entry_recommended": "CQC recommended entry (the placement date itself is not recorded)",
    "exit": "taken out of the regime",
    "exit_recommended": "CQC recommended exit (the decision date itself is not recorded)",
    "remain": "re-inspected and kept in the regime",
    "end_by_merger": "episode ended by organisational change, not by an exit",
    "transfer_to_RSP": "moved to the Recovery Support Programme when SMQ ended (July 2021)",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class RealEvent:
    """One sourced event; ``earliest``..``latest`` is the range its published date allows."""

    row: int
    trust_name: str
    regime: str
    event: str
    event_date: str
    date_precision: str
    earliest: date
    latest: date
    decided_by: str
    basis: str
    ratings_note: str
    source_url: str
    notes: str


@dataclass(frozen=True, slots=True)
class RealRecord:
    file: str
    sha256: str
    provenance: str
    events: tuple[RealEvent, ...]

    @property
    def trusts(self) -> tuple[str, ...]:
        return tuple(sorted({e.trust_name for e in self.events}))


def date_bounds(text: str, precision: str) -> tuple[date, date]:
    """The first and last day a published date can mean: a day, a month or a year.

    >>> date_bounds("2014-07", "month")
    (datetime.date(2014, 7, 1), datetime.date(2014, 7, 31))
    """
    m = _DATE.match(text.strip())
    if m is None:
        raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    stated = "day" if day else "month" if month else "year"
    if not precision.strip().lower().startswith(stated):
        raise ValueError(f"has {stated} precision but date_precision says {precision!r}")
    y = int(year)
    if day:
        d = date(y, int(month), int(day))
        return d, d
    if month:
        mo = int(month)
        return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
    return date(y, 1, 1), date(y, 12, 31)


def parse_record(file: str, data: bytes) -> RealRecord:
    """Validate the CSV; an ``InputError`` names the file, row, column and value."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", file=file) from None
    lines = text.splitlines(keepends=True)
    provenance = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    comment_rows = len(lines) - len(body)
    reader = csv.DictReader(io.StringIO("".join(body)))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError("has no such column", file=file, row=comment_rows + 1, column=missing[0])
    events: list[RealEvent] = []
    for offset, cells in enumerate(reader, start=2):
        row = comment_rows + offset

        def cell(
            column: str, *, required: bool = False, _cells: dict[str, str] = cells, _row: int = row
        ) -> str:
            value = (_cells.get(column) or "").strip()
            if required and not value:
                raise InputError("is empty", file=file, row=_row, column=column, value=value)
            return value

        event = cell("event", required=True)
        if event not in EVENTS:
            raise InputError(
                f"is not one of {', '.join(EVENTS)}",
                file=file,
                row=row,
                column="event",
                value=event,
            )
        source = cell("source_url", required=True)
        if not source.startswith(("http://", "https://")):
            raise InputError(
                "must be the web address of the source",
                file=file,
                row=row,
                column="source_url",
                value=source,
            )
        when = cell("event_date", required=True)
        precision = cell("date_precision", required=True)
        try:
            earliest, latest = date_bounds(when, precision)
        except ValueError as error:
            raise InputError(
                str(error), file=file, row=row, column="event_date", value=when
            ) from None
        events.append(
            RealEvent(
                row=row,
                trust_name=cell("trust_name", required=True),
                regime=cell("regime", required=True),
                event=event,
                event_date=when,
                date_precision=precision,
                earliest=earliest,
                latest=latest,
                decided_by=cell("decided_by"),
                basis=cell("basis"),
                ratings_note=cell("ratings_note"),
                source_url=source,
                notes=cell("notes"),
            )
        )
    if not events:
        raise InputError("holds no events", file=file)
    return RealRecord(file, sha256_of(data), " ".join(provenance), tuple(events))


def packaged_record() -> RealRecord:
    """The copy shipped inside the package."""
    data = resources.files("specialmeasures.ingest").joinpath("data", PACKAGED_NAME).read_bytes()
    return parse_record(PACKAGED_NAME, data)


def read_record(path: Path) -> RealRecord:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None
    return parse_record(path.name, data)


@dataclass(frozen=True, slots=True)
class LoadReport:
    file: str
    sha256: str
    events: int
    trusts: int
    replaced: int
    already_loaded: bool
    import_id: int


def load_record(repo: Repository, record: RealRecord, *, actor: str, at: datetime) -> LoadReport:
    """Store ``record`` in ``real_smq_events``, replacing an older version, in one transaction.

    Loading the same file again changes nothing (``already_loaded``).
    """
    with repo.transaction() as conn:
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=record.sha256, sheet="events")
        current = conn.execute(select(real_smq_events.c.import_id).limit(1)).scalar_one_or_none()
        if earlier is not None and current == earlier.id:
            return LoadReport(
                record.file,
                record.sha256,
                len(record.events),
                len(record.trusts),
                0,
                True,
                earlier.id,
            )
        replaced = conn.execute(delete(real_smq_events)).rowcount or 0
        if earlier is not None:
            # The same file, loaded before another version replaced it: reuse its import row.
            import_id = earlier.id
        else:
            import_id = record_import(
                conn,
                kind=IMPORT_KIND,
                file_name=record.file,
                sha256=record.sha256,
                sheet="events",
                rows_read=len(record.events),
                rows_applied=len(record.events),
                imported_at=at,
                actor=actor,
            )
        conn.execute(
            insert(real_smq_events),
            [
                {
                    "trust_name": e.trust_name,
                    "regime": e.regime,
                    "event": e.event,
                    "event_date": e.event_date,
                    "date_precision": e.date_precision,
                    "earliest": e.earliest,
                    "latest": e.latest,
                    "decided_by": e.decided_by,
                    "basis": e.basis,
                    "ratings_note": e.ratings_note,
                    "source_url": e.source_url,
                    "notes": e.notes,
                    "import_id": import_id,
                }
                for e in record.events
            ],
        )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.real_smq_events",
            entity="import",
            entity_key=str(import_id),
            payload={
                "file": record.file,
                "sha256": record.sha256,
                "events": len(record.events),
                "trusts": len(record.trusts),
                "replaced": replaced,
                "provenance": record.provenance,
            },
            at=at,
        )
    return LoadReport(
        record.file,
        record.sha256,
        len(record.events),
        len(record.trusts),
        replaced,
        False,
        import_id,
    )


def stored_record(repo: Repository) -> RealRecord | None:
    """The record loaded into the database, or None when none has been loaded."""
    with repo.engine.connect() as conn:
        rows = list(conn.execute(select(real_smq_events).order_by(real_smq_events.c.id)).mappings())
        if not rows:
            return None
        source = (
            conn.execute(select(imports).where(imports.c.id == rows[0]["import_id"]))
            .mappings()
            .one()
        )
    events = tuple(
        RealEvent(
            row=index,
            **{k: r[k] for k in ("trust_name", "regime", "event", "event_date", "date_precision")},
            earliest=r["earliest"],
            latest=r["latest"],
            **{k: r[k] for k in ("decided_by", "basis", "ratings_note", "source_url", "notes")},
        )
        for index, r in enumerate(rows, start=1)
    )
    return RealRecord(source["file_name"], source["sha256"], "", events)
