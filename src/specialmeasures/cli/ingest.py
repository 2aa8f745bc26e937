"""``specialmeasures import``: load public data files (CQC's latest ratings download)."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import open_platform
from specialmeasures.ingest.validation import DateWindow

if TYPE_CHECKING:
    from specialmeasures.ingest import ImportReport

#: Files with fewer rows than this import without a progress bar.
PROGRESS_FROM_ROWS = 2_000


def default_actor() -> str:
    """Who is importing, when ``--actor`` is not given: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextmanager
def progress_reporter() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on standard error, shown only for large files."""
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed:>8,}/{task.total:<8,}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if total < PROGRESS_FROM_ROWS:
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


@click.group(name="import")
def import_group() -> None:
    """Import public data files into the database (transactional, idempotent, audited)."""


@import_group.command(name="cqc-ratings")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--sheet",
    default=None,
    help="Sheet to import: Providers (trust ratings; the default for ODS/XLSX) or Locations "
    "(kept for reference). A CSV file's sheet is recognised from its header.",
)
@click.option("--actor", default=None, help="Who is importing (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def cqc_ratings(file: Path, sheet: str | None, actor: str | None) -> None:
    """Import CQC's "Latest ratings" download (ODS, XLSX or CSV): NHS trusts and their ratings.

    Trust ratings come from the Providers sheet (rows whose Service / Population Group is
    Overall); each new publication date becomes a new publication in the trust's history. A bad
    row stops the import, names the file, row, column and value, and changes nothing.
    """
    from specialmeasures.ingest import import_cqc_ratings

    platform = open_platform()
    now = datetime.now(UTC)
    try:
        with progress_reporter() as report:
            result = import_cqc_ratings(
                platform.repository,
                file,
                sheet=sheet,
                actor=actor or default_actor(),
                at=now,
                progress=report,
                window=DateWindow.from_settings(platform.settings, now.date()),
            )
    finally:
        platform.close()
    for line in describe(result):
        click.echo(line)


def describe(r: ImportReport) -> list[str]:
    """The lines the command prints about one import."""
    if r.already_imported:
        when = f" on {r.previous_import_at:%Y-%m-%d %H:%M}" if r.previous_import_at else ""
        return [
            f"Already imported: {r.file} (sheet {r.sheet}, sha256 {r.sha256[:12]}) was imported "
            f"as import #{r.import_id}{when}; nothing changed."
        ]
    lines = [
        f"Read {r.rows_read:,} rows from {r.file} (sheet {r.sheet}, {r.layout} layout, "
        f"sha256 {r.sha256[:12]})."
    ]
    if r.sheet == "Providers":
        created = f" ({', '.join(r.providers_created)})" if r.providers_created else ""
        lines.append(
            f"Applied {r.rows_applied:,} rows: {len(r.providers_created)} providers "
            f"created{created}, {r.inspections_added} publications added, "
            f"{r.ratings_added} ratings added."
        )
    else:
        lines.append(
            f"Applied {r.rows_applied:,} rows: {r.location_ratings_added} location ratings added."
        )
    skipped = sum(r.skipped.values())
    lines.append(f"Skipped {skipped:,} rows" + (":" if skipped else "."))
    for reason, count in sorted(r.skipped.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:>8,}  {reason}")
    lines.append(f"Recorded as import #{r.import_id} in the imports table and the audit log.")
    return lines


COMMANDS = [import_group]

# The subcommands that live in modules of their own join the group when it is loaded: the
# command line imports a command's module only when the command runs (cli/_discovery.py), so
# nothing else would import them.
from specialmeasures.cli import import_ae, import_register  # noqa: E402, F401
