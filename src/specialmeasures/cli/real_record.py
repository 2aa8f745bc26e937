"""``specialmeasures real-record``: the sourced public record of real special-measures events.

Real data, kept apart from the (synthetic) register: read from the copy shipped in the package,
or from the database's ``real_smq_events`` table once loaded there with ``real-record load``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.errors import SpecialMeasuresError
from specialmeasures.ingest.validation import DateWindow

if TYPE_CHECKING:
    from specialmeasures.ingest import RealRecord

SOURCE_HELP = (
    "Read the record loaded into the database (real-record load) instead of the copy shipped "
    "in the package."
)
EVENT_COLUMNS = (
    "trust_name",
    "regime",
    "event",
    "event_date",
    "date_precision",
    "decided_by",
    "basis",
    "source_url",
)


def _record(from_database: bool) -> RealRecord:
    from specialmeasures.ingest import packaged_record, stored_record

    if not from_database:
        return packaged_record()
    platform = open_platform()
    try:
        record = stored_record(platform.repository)
    finally:
        platform.close()
    if record is None:
        raise SpecialMeasuresError(
            "the database holds no real SMQ record: run 'specialmeasures real-record load' first"
        )
    return record


@click.group(name="real-record")
def real_record_group() -> None:
    """The sourced, partial public record of real SMQ events (kept apart from the demo)."""


@real_record_group.command()
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A CSV in the same layout (default: the copy shipped in the package).",
)
@click.option("--actor", default=None, help="Who is loading (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def load(file: Path | None, actor: str | None) -> None:
    """Load the record into the database's real_smq_events table (idempotent, audited)."""
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest import load_record, packaged_record, read_record

    platform = open_platform()
    try:
        window = DateWindow.from_settings(platform.settings, datetime.now(UTC).date())
        record = packaged_record() if file is None else read_record(file, window)
        report = load_record(
            platform.repository, record, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    if report.already_loaded:
        click.echo(
            f"Already loaded: {report.file} (sha256 {report.sha256[:12]}) is the record in the "
            f"database (import #{report.import_id}); nothing changed."
        )
        return
    replaced = f", replacing {report.replaced} earlier events" if report.replaced else ""
    click.echo(
        f"Loaded {report.events} events about {report.trusts} trusts from {report.file}"
        f"{replaced} (import #{report.import_id}, recorded in the audit log)."
    )


@real_record_group.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option(
    "--as-of",
    type=DateParam(),
    default=None,
    help="Count only events certainly on or before this date (to compare with a figure "
    "published then).",
)
@click.option("--database", "from_database", is_flag=True, help=SOURCE_HELP)
def summary(fmt: str, as_of: date | None, from_database: bool) -> None:
    """Time in regime, exits within 12 and 24 months, re-entries (censoring made explicit)."""
    from specialmeasures.ingest import summarise

    record = _record(from_database)
    rows = [s.as_row() for s in summarise(record.events, as_of=as_of)]
    title = f"Public SMQ record ({record.file}, {len(record.events)} events)"
    if as_of is not None:
        title += f" as of {as_of.isoformat()}"
    emit(rows, ("statistic", "value", "detail"), fmt, title=title)


@real_record_group.command()
@click.option("--trust", default=None, help="Only trusts whose name contains this text.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--database", "from_database", is_flag=True, help=SOURCE_HELP)
def events(trust: str | None, fmt: str, from_database: bool) -> None:
    """Every event with its date, precision and source address."""
    record = _record(from_database)
    needle = (trust or "").lower()
    rows = [
        {c: getattr(e, c) for c in EVENT_COLUMNS}
        for e in record.events
        if needle in e.trust_name.lower()
    ]
    if trust is not None and not rows:
        raise SpecialMeasuresError(f"no trust in the record matches {trust!r}")
    emit(rows, EVENT_COLUMNS, fmt, title=f"Public SMQ record ({record.file})")


COMMANDS = [real_record_group]
