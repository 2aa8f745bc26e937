"""Read the ODS NHS trusts register file ("etr"): its two layouts, its dates and its codes.

The file has no header. Every row is one organisation; the fields this importer reads are the
same in both published layouts (24 fields in the older snapshot, 27 in the newer one, which
quotes every field):

====  ===========================================================================
1     organisation code (``RXX``, or five characters such as ``G6V2S``)
2     name
3     NHS England region (``Y54``..``Y63``; ``W00`` for trusts in Wales)
4     ICB (``Q..``; in the older layout the NHS England area team, also ``Q..``)
10    postcode
11    open date, ``YYYYMMDD``
12    close date, ``YYYYMMDD``: the organisation's last day (inclusive); empty when open
====  ===========================================================================

Rows are numbered as a person counts lines in the file (the first row is row 1, since there is
no header); columns by position with their meaning, e.g. ``column 11 (open date)``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime

from specialmeasures.domain import InputError
from specialmeasures.ingest.csv_checks import parse_csv
from specialmeasures.ingest.import_log import sha256_of
from specialmeasures.ingest.text_checks import check_characters

__all__ = ["COLUMNS", "LAYOUTS", "OdsFile", "OdsTrust", "parse_etr"]

#: Field count -> layout name.
LAYOUTS = {24: "etr, 24 fields (older snapshot)", 27: "etr, 27 fields (newer snapshot)"}
#: 0-based field index -> what it holds (as error messages name it).
COLUMNS = {
    0: "organisation code",
    1: "name",
    2: "NHS England region",
    3: "ICB code",
    9: "postcode",
    10: "open date",
    11: "close date",
}
_CODE = re.compile(r"^[A-Z0-9]{3}(?:[A-Z0-9]{2})?$")
_REGION = re.compile(r"^[A-Z][0-9]{2}$")
_ICB = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_DATE = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True, slots=True)
class OdsTrust:
    """One row of the register file, validated."""

    row: int
    code: str
    name: str
    region_code: str | None
    icb_code: str | None
    postcode: str | None
    open_date: date | None
    close_date: date | None


@dataclass(frozen=True, slots=True)
class OdsFile:
    file: str
    sha256: str
    layout: str
    rows_read: int
    blank_rows: int
    trusts: tuple[OdsTrust, ...]


def column_label(index: int) -> str:
    """``column 11 (open date)``: the 1-based position and its meaning."""
    meaning = COLUMNS.get(index)
    return f"column {index + 1}" + (f" ({meaning})" if meaning else "")


def _decode(file: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        row = data.count(b"\n", 0, error.start) + 1
        prefix = data[line_start : error.start].decode("latin-1")
        fields = next(csv.reader([prefix]), [""])
        bad = data[error.start : error.end]
        raise InputError(
            f"is not UTF-8 text (byte 0x{bad.hex().upper()}); save the file as UTF-8",
            file=file,
            row=row,
            column=column_label(len(fields) - 1),
            value=bad.decode("latin-1"),
        ) from None


def _date(file: str, row: int, index: int, text: str) -> date | None:
    if not text:
        return None
    if _DATE.match(text):
        try:
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            pass
    raise InputError(
        "is not a date in the form YYYYMMDD",
        file=file,
        row=row,
        column=column_label(index),
        value=text,
    )


def _code(file: str, row: int, index: int, text: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(text):
        raise InputError(
            f"is not {what}", file=file, row=row, column=column_label(index), value=text
        )
    return text


def _trust(file: str, row: int, cells: list[str]) -> OdsTrust:
    code = _code(file, row, 0, cells[0], _CODE, "an ODS organisation code (3 or 5 capitals/digits)")
    name = cells[1]
    if not name:
        raise InputError("is empty", file=file, row=row, column=column_label(1), value=name)
    if len(name) > 300:
        raise InputError(
            "is longer than 300 characters", file=file, row=row, column=column_label(1), value=name
        )
    region = cells[2] and _code(file, row, 2, cells[2], _REGION, "an NHS England region code")
    icb = cells[3] and _code(file, row, 3, cells[3], _ICB, "an ICB code (three characters)")
    opened = _date(file, row, 10, cells[10])
    closed = _date(file, row, 11, cells[11])
    if opened is not None and closed is not None and closed < opened:
        raise InputError(
            f"is before the open date ({cells[10]})",
            file=file,
            row=row,
            column=column_label(11),
            value=cells[11],
        )
    return OdsTrust(
        row=row,
        code=code,
        name=name,
        region_code=region or None,
        icb_code=icb or None,
        postcode=cells[9] or None,
        open_date=opened,
        close_date=closed,
    )


def parse_etr(file: str, data: bytes) -> OdsFile:
    """Validate a whole etr file; the first bad cell raises ``InputError`` (file, row, column,
    value), so a file is taken whole or not at all."""
    text = _decode(file, data)
    width: int | None = None
    trusts: list[OdsTrust] = []
    first_row: dict[str, int] = {}
    blank = 0
    rows_read = 0
    # The structural checks of every importer (ingest/validation.py): quotes, cell sizes.
    grid = parse_csv(file, text) if text.strip() else []
    for row, raw in enumerate(grid, start=1):
        if not raw or all(not cell.strip() for cell in raw):
            blank += 1
            continue
        rows_read += 1
        for k, cell in enumerate(raw):
            check_characters(file, row, column_label(k), cell)
        cells = [cell.strip() for cell in raw]
        if width is None:
            if len(cells) not in LAYOUTS:
                raise InputError(
                    f"has {len(cells)} fields; an ODS etr file has 24 (older layout) or 27 "
                    "(newer layout) and no header",
                    file=file,
                    row=row,
                    value=raw[0],
                )
            width = len(cells)
        elif len(cells) != width:
            raise InputError(
                f"has {len(cells)} fields where the file's other rows have {width}",
                file=file,
                row=row,
                value=raw[0],
            )
        trust = _trust(file, row, cells)
        if trust.code in first_row:
            raise InputError(
                f"appears twice (first on row {first_row[trust.code]})",
                file=file,
                row=row,
                column=column_label(0),
                value=trust.code,
            )
        first_row[trust.code] = row
        trusts.append(trust)
    if width is None:
        raise InputError("holds no rows", file=file)
    return OdsFile(file, sha256_of(data), LAYOUTS[width], rows_read, blank, tuple(trusts))
