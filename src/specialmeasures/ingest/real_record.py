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
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import delete, insert, select

from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.validation import (
    CsvRow,
    DateWindow,
    check_characters,
    check_text,
    csv_table,
    decode,
    parse_csv,
    read_bytes,
)
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
#: Columns of free prose, where a line break inside a quoted cell is kept.
PROSE = frozenset({"basis", "ratings_note", "notes"})
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


def parse_record(file: str, data: bytes, window: DateWindow | None = None) -> RealRecord:
    """Validate the CSV; an ``InputError`` names the file, row, column and value.

    The leading ``#`` lines are the provenance; below them, a header and one event a row, read
    through ``ingest/validation.py``. Both ends of an event's date must lie within ``window``
    (default: 5 July 1948 to a year after today).
    """
    dates = window or DateWindow.around(date.today())
    text = decode(file, data)
    lines = text.splitlines(keepends=True)
    comments = 0
    while comments < len(lines) and lines[comments].startswith("#"):
        comments += 1
    provenance = [line.lstrip("#").strip() for line in lines[:comments]]
    for number, line in enumerate(provenance, start=1):
        check_characters(file, number, "provenance", line)
    # Comment lines become blank lines, so that row numbers stay those of the file.
    body = "\n" * comments + "".join(lines[comments:])
    table = csv_table(
        file, parse_csv(file, body), required=COLUMNS, header_row=comments + 1, multiline=PROSE
    )
    events: list[RealEvent] = []
    for cells in table.rows:
        row = cells.number

        def cell(column: str, *, required: bool = False, _cells: CsvRow = cells) -> str:
            return check_text(
                _cells.cell(column),
                file=file,
                row=_cells.number,
                column=column,
                target=real_smq_events.c[column],
                required=required,
                multiline=column in PROSE,
            )

        event = cell("event", required=True)
        if event not in EVENTS:
            raise cells.fail("event", f"is not one of {', '.join(EVENTS)}")
        source = cell("source_url", required=True)
        if not source.startswith(("http://", "https://")):
            raise cells.fail("source_url", "must be the web address of the source")
        when = cell("event_date", required=True)
        precision = cell("date_precision", required=True)
        try:
            earliest, latest = date_bounds(when, precision)
        except ValueError as error:
            raise cells.fail("event_date", str(error)) from None
        for day in (earliest, latest):
            dates.check(day, file=file, row=row, column="event_date", shown_as=when)
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
    return RealRecord(file, sha256_of(data), " ".join(provenance), tuple(events))


def packaged_record() -> RealRecord:
    """The copy shipped inside the package."""
    data = resources.files("specialmeasures.ingest").joinpath("data", PACKAGED_NAME).read_bytes()
    return parse_record(PACKAGED_NAME, data)


def read_record(path: Path, window: DateWindow | None = None) -> RealRecord:
    return parse_record(path.name, read_bytes(path), window)


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
