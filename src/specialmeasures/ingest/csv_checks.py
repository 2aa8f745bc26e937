"""CSV files: records parsed strictly, a checked header, rows of the header's width.

Part of the importers' one validation layer; import it through ``ingest/validation.py``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from specialmeasures.domain.errors import InputError
from specialmeasures.ingest.text_checks import (
    DEFAULT_LIMITS,
    Limits,
    check_characters,
    decode,
    read_bytes,
    shown,
)

__all__ = [
    "CsvRow",
    "CsvTable",
    "check_grid",
    "check_header",
    "check_width",
    "column_letter",
    "csv_table",
    "parse_csv",
    "read_csv",
]

_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_UNQUOTED = re.compile(r"[^,\r\n]*")


def parse_csv(file: str, text: str, limits: Limits = DEFAULT_LIMITS) -> list[list[str]]:
    """The records of a CSV text (``records[0]`` is row 1), every structural fault refused.

    Fast path: the C csv reader. When it objects, the text is scanned again by a small
    tokenizer that finds the row and column at fault, so the message can name them.
    """
    if not text.strip():
        raise InputError("is empty", file=file)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > limits.max_rows:
                raise InputError(
                    f"has more than {limits.max_rows:,} rows", file=file, row=len(records)
                )
            if len(record) > limits.max_columns:
                raise InputError(
                    f"has {len(record):,} cells, more than the {limits.max_columns:,} allowed",
                    file=file,
                    row=len(records),
                )
    except csv.Error as error:
        _locate_fault(file, text, limits)
        # The tokenizer agrees with the csv module on every fault it raises; this line is
        # reached only if they ever disagree, and still refuses cleanly.
        raise InputError(f"is not valid CSV ({error})", file=file, row=len(records) + 1) from None
    for number, record in enumerate(records, start=1):
        for position, cell in enumerate(record):
            if len(cell) > limits.max_field:
                raise InputError(
                    f"the cell holds {len(cell):,} characters, more than the "
                    f"{limits.max_field:,} allowed",
                    file=file,
                    row=number,
                    column=column_letter(position),
                    value=shown(cell),
                )
    return records


def column_letter(position: int) -> str:
    """A column by position as a spreadsheet names it (A, B, ..., Z, AA, ...)."""
    name = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _locate_fault(file: str, text: str, limits: Limits) -> None:
    """Scan ``text`` as RFC 4180 CSV and raise an ``InputError`` at the first fault."""
    pos, row, col, end = 0, 1, 0, len(text)
    while pos < end:
        start = pos
        if text[pos] == '"':
            match = _QUOTED.match(text, pos)
            if match is None:
                raise InputError(
                    "a quoted cell is never closed (a missing '\"'): everything after it would "
                    "be read as one cell",
                    file=file,
                    row=row,
                    column=column_letter(col),
                    value=shown(text[pos:].split("\n", 1)[0], 40),
                )
            pos = match.end()
            if pos < end and text[pos] not in ",\r\n":
                raise InputError(
                    "text follows the closing quote of a quoted cell (write a quote inside a "
                    'quoted cell as "")',
                    file=file,
                    row=row,
                    column=column_letter(col),
                    value=shown(text[start : pos + 10], 40),
                )
        else:
            match = _UNQUOTED.match(text, pos)
            assert match is not None  # the pattern matches the empty string
            pos = match.end()
        if pos - start > limits.max_field:
            raise InputError(
                f"the cell holds about {pos - start:,} characters, more than the "
                f"{limits.max_field:,} allowed",
                file=file,
                row=row,
                column=column_letter(col),
                value=shown(text[start:pos]),
            )
        if pos >= end:
            return
        if text[pos] == ",":
            col += 1
            pos += 1
            continue
        pos += 2 if text.startswith("\r\n", pos) else 1
        row, col = row + 1, 0


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its spreadsheet row number and its cells by column name."""

    file: str
    number: int
    cells: dict[str, str]

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")

    def fail(self, column: str, message: str, value: object = None) -> InputError:
        shown_value = self.cell(column) if value is None else value
        return InputError(
            message, file=self.file, row=self.number, column=column, value=shown_value
        )


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A checked CSV table: a unique header at ``header_row`` and rows of the header's width."""

    file: str
    header_row: int
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]


def csv_table(
    file: str,
    records: Sequence[Sequence[str]],
    *,
    required: Sequence[str] = (),
    header_row: int = 1,
    normalise: Callable[[str], str] = str.strip,
    allow_no_rows: bool = False,
    multiline: Collection[str] = (),
) -> CsvTable:
    """Check a header (at spreadsheet row ``header_row``) and the rows below it.

    Blank rows are skipped; every other row must be as wide as the header (extra cells must be
    empty). Cells are stripped of surrounding spaces. Control and bidirectional-override
    characters are refused in every cell, used or not, and so are line breaks except in the
    ``multiline`` columns.
    """
    if len(records) < header_row:
        raise InputError("has no header row", file=file)
    header = tuple(normalise(h) for h in records[header_row - 1])
    check_header(file, header_row, header, required)
    rows: list[CsvRow] = []
    for index in range(header_row, len(records)):
        record = records[index]
        number = index + 1
        if not any(c.strip() for c in record):
            continue
        check_width(file, number, record, header)
        cells = {name: record[i].strip() for i, name in enumerate(header) if name}
        for name, value in cells.items():
            check_characters(file, number, name, value, multiline=name in multiline)
        rows.append(CsvRow(file, number, cells))
    if not rows and not allow_no_rows:
        raise InputError(
            "has a header but no data rows (nothing to read; nothing is recorded)",
            file=file,
            row=header_row,
        )
    return CsvTable(file, header_row, header, tuple(rows))


def read_csv(
    path: Path,
    *,
    required: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    allow_no_rows: bool = False,
) -> CsvTable:
    """Read, decode, parse and check a CSV file whose header is row 1."""
    text = decode(path.name, read_bytes(path, limits))
    return csv_table(
        path.name,
        parse_csv(path.name, text, limits),
        required=required,
        allow_no_rows=allow_no_rows,
    )


def check_grid(file: str, grid: Sequence[Sequence[str]], *, empty_unnamed: bool = False) -> None:
    """Check a parsed file whose header is row 1, for importers that read it by position: the
    header's names, each row's width, no control, direction or line-break characters in any
    cell, and at least one data row. Blank rows are allowed (and keep their numbers).

    ``empty_unnamed`` allows columns without a name among named ones, as long as no row puts a
    value in them (a quirk of some published files).
    """
    header = [h.replace("\ufeff", "").strip() for h in grid[0]]
    blank = {k for k, h in enumerate(header) if not h}
    named = [h or f"(column {k + 1})" for k, h in enumerate(header)] if empty_unnamed else header
    check_header(file, 1, named, ())
    rows = 0
    for index in range(1, len(grid)):
        cells = grid[index]
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        row = index + 1
        check_width(file, row, cells, header)
        for k, cell in enumerate(cells):
            column = (header[k] if k < len(header) else "") or column_letter(k)
            check_characters(file, row, column, cell)
            if k in blank and cell.strip():
                raise InputError(
                    "holds a value in a column that has no name in the header (what it counts "
                    "cannot be known)",
                    file=file,
                    row=row,
                    column=column,
                    value=cell,
                )
    if not rows:
        raise InputError(
            "has a header but no data rows (nothing to read; nothing is recorded)", file=file, row=1
        )


def check_header(file: str, row: int, header: Sequence[str], required: Sequence[str]) -> None:
    """Refuse a blank column name among named ones, a repeated name or a missing one."""
    seen: dict[str, int] = {}
    last_named = max((i for i, h in enumerate(header) if h), default=-1)
    for position, name in enumerate(header):
        check_characters(file, row, column_letter(position), name)
        if not name:
            if position < last_named:
                raise InputError(
                    "a column has no name in the header",
                    file=file,
                    row=row,
                    column=column_letter(position),
                )
            continue
        key = name.casefold()
        if key in seen:
            raise InputError(
                f"the column name appears twice in the header (columns {column_letter(seen[key])} and "
                f"{column_letter(position)}): which one holds the data cannot be known",
                file=file,
                row=row,
                column=name,
                value=name,
            )
        seen[key] = position
    for name in required:
        if name.casefold() not in seen:
            raise InputError(
                f"the header has no {name!r} column (columns: {', '.join(h for h in header if h)})",
                file=file,
                row=row,
                column=name,
            )


def check_width(file: str, row: int, record: Sequence[str], header: Sequence[str]) -> None:
    """Refuse a row shorter than the header, or longer with something in the extra cells."""
    if len(record) < len(header):
        missing = header[len(record)] or column_letter(len(record))
        raise InputError(
            f"the row has {len(record)} cells but the header has {len(header)} (a short row: a "
            f"missing comma or a line break inside an unquoted cell?)",
            file=file,
            row=row,
            column=missing,
            value=shown(",".join(record), 40),
        )
    extra = [i for i in range(len(header), len(record)) if record[i].strip()]
    if extra:
        raise InputError(
            f"the row has {len(record)} cells but the header has {len(header)} (an unquoted "
            f"comma?)",
            file=file,
            row=row,
            column=column_letter(extra[0]),
            value=shown(record[extra[0]], 40),
        )
