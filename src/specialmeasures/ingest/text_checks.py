"""Checks of text read from a file, one cell at a time: encoding, characters, length, dates.

Part of the importers' one validation layer; import it through ``ingest/validation.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specialmeasures.domain.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Column

    from specialmeasures.settings import Settings

__all__ = [
    "CSV_FIELD_LIMIT",
    "DEFAULT_LIMITS",
    "EARLIEST_DATE",
    "FUTURE_DAYS",
    "DateWindow",
    "Limits",
    "check_characters",
    "check_text",
    "column_length",
    "decode",
    "forbidden_character",
    "printable",
    "read_bytes",
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


def printable(text: str) -> str:
    """``text`` with each control or direction character written as an escape (``\\u202e``),
    for a terminal or a log that must show it rather than act on it."""
    if forbidden_character(text) is None:
        return text
    return "".join(f"\\u{ord(ch):04x}" if _FORBIDDEN.match(ch) else ch for ch in text)


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes; a missing, unreadable or over-large file is an ``InputError``, and so
    is a file whose name holds a control or direction character (it would be recorded in the
    imports table and the audit log, and shown, as it is)."""
    if forbidden_character(path.name) is not None or "\n" in path.name or "\r" in path.name:
        raise InputError(
            "the file name holds a control or direction character: rename the file",
            file=printable(str(path)).replace("\n", "\\n").replace("\r", "\\r"),
        )
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
    from sqlalchemy import String  # only the importers, which have SQLAlchemy loaded, ask

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
