"""Shared plumbing of the commands: opening the platform, parsing dates, printing tables."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from specialmeasures.ingest.validation import printable
from specialmeasures.reports.cells import csv_cell

if TYPE_CHECKING:  # SQLAlchemy and Alembic are imported when a command opens the database,
    # not when its module is imported (``COMMAND --help`` stays quick).
    from specialmeasures.bootstrap import Platform

__all__ = ["FORMATS", "DateParam", "emit", "open_platform"]

FORMATS = click.Choice(["table", "csv", "json"], case_sensitive=False)


def open_platform(*, upgrade: bool = False) -> Platform:
    """Bootstrap from the environment (SPECIALMEASURES_DATABASE_URL)."""
    from specialmeasures.bootstrap import bootstrap
    from specialmeasures.settings import Settings

    return bootstrap(Settings.from_env(), upgrade=upgrade)


class DateParam(click.ParamType[date]):
    """A calendar date, YYYY-MM-DD or YYYY-MM (the first of the month)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if len(text) == 7:
                return date.fromisoformat(text + "-01")
            return date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM)", param, ctx)


def emit(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, title: str = ""
) -> None:
    """Print ``rows`` as a table, CSV or JSON on standard output."""
    fmt = fmt.lower()
    if fmt == "json":
        click.echo(
            json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, default=str)
        )
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for r in rows:
            writer.writerow({c: csv_cell(r.get(c)) for c in columns})
        click.echo(buffer.getvalue(), nl=False)
        return
    table = Table(title=title or None, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c.replace("_", " "))
    for r in rows:
        table.add_row(*(_shown(r.get(c)) for c in columns))
    Console(soft_wrap=False, width=max(120, Console().width)).print(table)


def _shown(value: Any) -> Text:
    """A cell for the terminal: plain text (never rich markup), with control and direction
    characters shown as escapes rather than acted on by the terminal."""
    return Text("" if value is None else printable(str(value)))
