"""One validation layer for every file an importer reads: refuse, never crash or guess.

Every importer (CQC ratings, the real SMQ record, evidence and codebooks, monthly returns, the
statistics commands' CSV inputs) reads its file through these functions, so the same file is
refused for the same reason with the same message whichever importer reads it and whichever
database is behind it. A refusal is an ``InputError`` naming the file, row, column and value;
the command line exits 2 and, because every check runs before the importer opens its
transaction (or inside it, which then rolls back), the database is unchanged.

What is refused (docs/ingest-validation.md lists each with its message):

* bytes that are not UTF-8 (a byte-order mark is allowed and dropped); no other encoding is
  guessed;
* files, rows, columns and cells beyond :class:`Limits`;
* structural CSV faults: a quote never closed, text after a closing quote;
* a header with a repeated or blank column name, or without a required column;
* rows shorter than the header, or longer with non-empty extra cells;
* control characters (NUL included) and bidirectional-override characters in any cell;
* text longer than the database column it is stored in (taken from the table definition, so it
  holds on SQLite, which would store it, and PostgreSQL, which would fail);
* dates outside a :class:`DateWindow` (neither 0001-01-01 nor 2999-01-01 is plausible);
* JSON that is not UTF-8, repeats a key, or holds ``null``, booleans, lists, objects or
  non-finite numbers where text or numbers are wanted.

Line endings: LF, CRLF and CR-only (old Mac) files are all read, as the CSV standard's record
separators; a line break inside a cell is kept only where the column allows several lines.
A file with a header and no data rows is refused (it is never recorded as an import).

>>> rows = parse_csv("t.csv", decode("t.csv", b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n"))
>>> rows
[['a', 'b'], ['1', '2']]
>>> table = csv_table("t.csv", rows, required=("a", "b"))
>>> table.header, table.rows[0].number, table.rows[0].cell("b")
(('a', 'b'), 2, '2')
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, String

from specialmeasures.domain.errors import InputError
from specialmeasures.settings import Settings

__all__ = [
    "CSV_FIELD_LIMIT",
    "DEFAULT_LIMITS",
    "EARLIEST_DATE",
    "FUTURE_DAYS",
    "CsvRow",
    "CsvTable",
    "DateWindow",
    "Limits",
    "check_text",
    "column_length",
    "csv_table",
    "decode",
    "forbidden_character",
    "json_text",
    "parse_csv",
    "parse_json_object",
    "read_bytes",
    "read_csv",
    "read_json_object",
    "shown",
]

#: Python's csv module refuses longer fields; a file's cells are held to at most this.
CSV_FIELD_LIMIT = 131_072
#: The earliest date any imported record may carry: the day the NHS began (5 July 1948).
EARLIEST_DATE = date(1948, 7, 5)
#: How far past the day of the import a date may lie (a year and a day: forward-dated documents,
#: time zones); anything later is a typing error such as 2099 or 2999.
FUTURE_DAYS = 366

# C0 and C1 control characters except tab, line feed and carriage return (checked apart), the
# bidirectional embedding, override and isolate marks (Trojan Source, CVE-2021-42574), the line
# and paragraph separators, and a byte-order mark inside the text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ufeff]"
)
_LINE_BREAK = re.compile("[\r\n]")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_UNQUOTED = re.compile(r"[^,\r\n]*")


@dataclass(frozen=True, slots=True)
class Limits:
    """The most a file may hold; beyond it the file is refused before anything is stored."""

    max_bytes: int = 512 * 1024 * 1024
    max_rows: int = 5_000_000
    max_columns: int = 1_000
    max_field: int = CSV_FIELD_LIMIT

    def __post_init__(self) -> None:
        if not 0 < self.max_field <= CSV_FIELD_LIMIT:
            raise ValueError(f"max_field must be 1..{CSV_FIELD_LIMIT} (got {self.max_field})")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The dates an import accepts: ``earliest`` to ``latest`` inclusive."""

    earliest: date
    latest: date

    @classmethod
    def around(
        cls, today: date, *, earliest: date = EARLIEST_DATE, future_days: int = FUTURE_DAYS
    ) -> DateWindow:
        """From ``earliest`` to ``future_days`` after ``today`` (the day of the import)."""
        return cls(earliest, today + timedelta(days=future_days))

    @classmethod
    def from_settings(cls, settings: Settings, today: date) -> DateWindow:
        """The window the platform's settings configure (``SPECIALMEASURES_IMPORT_*``)."""
        return cls.around(
            today, earliest=settings.import_earliest_date, future_days=settings.import_future_days
        )

    def check(
        self,
        value: date,
        *,
        file: str | None,
        row: int | None,
        column: str,
        shown_as: object = None,
    ) -> date:
        """``value`` itself, or an ``InputError`` when it lies outside the window."""
        if not self.earliest <= value <= self.latest:
            raise InputError(
                f"is not a plausible date (imports accept {self.earliest.isoformat()} to "
                f"{self.latest.isoformat()})",
                file=file,
                row=row,
                column=column,
                value=value.isoformat() if shown_as is None else shown_as,
            )
        return value


def shown(value: str, width: int = 60) -> str:
    """A long value cut for an error message (the message must stay one readable line)."""
    return value if len(value) <= width else f"{value[:width]}... ({len(value):,} characters)"


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes; a missing, unreadable or over-large file is an ``InputError``."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(
                f"is {size:,} bytes, more than the {limits.max_bytes:,} an import reads",
                file=str(path),
            )
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None


def decode(file: str, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark dropped); any other encoding is refused.

    The error names the line and the bytes, so that the person can find and fix them (or
    re-save the file as "CSV UTF-8"). Windows-1252 and Latin-1 are not guessed: the same bytes
    mean different letters in each.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"is not UTF-8 text (byte {error.start:,}): save it as UTF-8 (in Excel, "
            f"'CSV UTF-8'); no other encoding is guessed",
            file=file,
            row=line,
            value=data[error.start : error.start + 4],
        ) from None


def forbidden_character(text: str) -> str | None:
    """The first control or bidirectional-override character in ``text``, if any."""
    found = _FORBIDDEN.search(text)
    return None if found is None else found.group()


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
                    column=_nth(position),
                    value=shown(cell),
                )
    return records


def _nth(position: int) -> str:
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
                    column=_nth(col),
                    value=shown(text[pos:].split("\n", 1)[0], 40),
                )
            pos = match.end()
            if pos < end and text[pos] not in ",\r\n":
                raise InputError(
                    "text follows the closing quote of a quoted cell (write a quote inside a "
                    'quoted cell as "")',
                    file=file,
                    row=row,
                    column=_nth(col),
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
                column=_nth(col),
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
            "has a header but no data rows (nothing to import; it is not recorded)",
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


def check_header(file: str, row: int, header: Sequence[str], required: Sequence[str]) -> None:
    """Refuse a blank column name among named ones, a repeated name or a missing one."""
    seen: dict[str, int] = {}
    last_named = max((i for i, h in enumerate(header) if h), default=-1)
    for position, name in enumerate(header):
        check_characters(file, row, _nth(position), name)
        if not name:
            if position < last_named:
                raise InputError(
                    "a column has no name in the header", file=file, row=row, column=_nth(position)
                )
            continue
        key = name.casefold()
        if key in seen:
            raise InputError(
                f"the column name appears twice in the header (columns {_nth(seen[key])} and "
                f"{_nth(position)}): which one holds the data cannot be known",
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
        missing = header[len(record)] or _nth(len(record))
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
            column=_nth(extra[0]),
            value=shown(record[extra[0]], 40),
        )


def check_characters(
    file: str | None, row: int | None, column: str, value: str, *, multiline: bool = False
) -> None:
    """Refuse control and bidirectional-override characters (and line breaks, unless allowed)."""
    bad = forbidden_character(value)
    if bad is None and not multiline and _LINE_BREAK.search(value):
        bad = _LINE_BREAK.search(value).group()  # type: ignore[union-attr]
    if bad is not None:
        raise InputError(
            f"holds the control or direction character U+{ord(bad):04X}, which would be stored "
            "and shown invisibly",
            file=file,
            row=row,
            column=column,
            value=shown(value),
        )


def column_length(column: Column[Any]) -> int | None:
    """The most characters ``column`` holds on every database (None: no limit)."""
    kind = column.type
    return kind.length if isinstance(kind, String) and kind.length else None


def check_text(
    value: str,
    *,
    file: str | None,
    row: int | None,
    column: str,
    target: Column[Any] | None = None,
    max_length: int | None = None,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """A cell's text checked for its destination: present if ``required``, no control or
    direction characters, and no longer than ``target`` column (or ``max_length``)."""
    if required and not value.strip():
        raise InputError("is empty", file=file, row=row, column=column, value=value)
    check_characters(file, row, column, value, multiline=multiline)
    limit = max_length if max_length is not None else (
        column_length(target) if target is not None else None
    )  # fmt: skip
    if limit is not None and len(value) > limit:
        raise InputError(
            f"is {len(value):,} characters long; at most {limit:,} can be stored",
            file=file,
            row=row,
            column=column,
            value=shown(value),
        )
    return value


def parse_json_object(file: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """A JSON object read from UTF-8 bytes; repeated keys and non-finite numbers are refused."""
    if len(data) > limits.max_bytes:
        raise InputError(f"is more than the {limits.max_bytes:,} bytes an import reads", file=file)
    text = decode(file, data)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(
                    "the key appears twice in one object: which value holds cannot be known",
                    file=file,
                    column=key,
                    value=key,
                )
            out[key] = value
        return out

    def constant(name: str) -> float:
        raise InputError("is not a finite number (JSON has no NaN or Infinity)", file=file,
                         value=name)  # fmt: skip

    try:
        loaded = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not JSON: {error.msg} (column {error.colno})", file=file, row=error.lineno
        ) from None
    except RecursionError:
        raise InputError("is not JSON this importer reads: nested too deeply", file=file) from None
    if not isinstance(loaded, dict):
        raise InputError(f"must be a JSON object (got {type(loaded).__name__})", file=file)
    return loaded


def read_json_object(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """:func:`parse_json_object` of the file at ``path``."""
    return parse_json_object(str(path), read_bytes(path, limits), limits)


def json_text(file: str, key: str, value: object, *, max_length: int | None = None) -> str:
    """A JSON value stored as text: a string, or a finite number written as JSON writes it.

    ``null``, ``true``/``false``, lists and objects are refused rather than stored as
    ``"None"``, ``"True"`` or a Python repr.
    """
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        kind = {type(None): "null", bool: "a boolean", list: "a list", dict: "an object"}
        raise InputError(
            f"must be text or a number, not {kind[type(value)]}",
            file=file,
            column=key,
            value=shown(json.dumps(value)),
        )
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError("is not a finite number", file=file, column=key, value=value)
        text = json.dumps(value)
    else:
        text = str(value)
    return check_text(text, file=file, row=None, column=key, max_length=max_length)
