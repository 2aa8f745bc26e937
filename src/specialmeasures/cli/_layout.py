"""Wide matrices in the terminal: printed wide when they fit, long when they do not.

A matrix with a column per trust (``interventions matrix``) or per code (``evidence matrix``)
wraps into unreadable slivers in an 80-column terminal. ``--layout auto`` (the default) prints it
wide when its natural width fits the terminal (``COLUMNS``, else the terminal's own width) and
otherwise long, one row per trust x item; ``--layout wide`` and ``--layout long`` force either.
Only the table format is affected: CSV, JSON and Excel keep their documented shapes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from specialmeasures.ingest.validation import printable

__all__ = ["LAYOUTS", "choose_layout", "layout_option", "natural_width", "print_table"]

LAYOUTS = ("auto", "wide", "long")
#: rich's box-drawing table spends one rule and two spaces of padding per column, plus one rule.
_PER_COLUMN = 3

F = TypeVar("F", bound=Callable[..., Any])


def layout_option(item: str) -> Callable[[F], F]:
    """The ``--layout`` option, its help naming what one long row is (``item``)."""
    return click.option(
        "--layout",
        type=click.Choice(LAYOUTS, case_sensitive=False),
        default="auto",
        show_default=True,
        help=f"Table format only: 'wide' (the matrix), 'long' (one row per {item}) or 'auto' "
        "(wide when it fits the terminal width, COLUMNS, else long).",
    )


def _cell(value: Any) -> str:
    return "" if value is None else printable(str(value))


def natural_width(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> int:
    """Characters the table needs with no cell wrapped (the title aside)."""
    total = 1
    for c in columns:
        cells = [len(line) for r in rows for line in _cell(r.get(c)).splitlines() or [""]]
        total += max([len(c.replace("_", " ")), *cells]) + _PER_COLUMN
    return total


def terminal_width() -> int:
    """``COLUMNS`` when set, else the terminal's width (80 when there is no terminal)."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def choose_layout(layout: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """'wide' or 'long': ``layout`` itself unless it is 'auto'."""
    layout = layout.lower()
    if layout != "auto":
        return layout
    return "wide" if natural_width(rows, columns) <= terminal_width() else "long"


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, title: str, wide: bool
) -> None:
    """Print ``rows`` as a terminal table. A wide table is printed at its natural width (never
    wrapped cell by cell); a long one at the terminal's width, its long cells wrapping in place."""
    table = Table(title=title or None, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c.replace("_", " "), no_wrap=wide, overflow="ellipsis" if wide else "fold")
    for r in rows:
        table.add_row(*(Text(_cell(r.get(c))) for c in columns))
    width = max(natural_width(rows, columns), terminal_width()) if wide else terminal_width()
    Console(soft_wrap=False, width=width).print(table)
