"""Read one sheet of a CQC "Latest ratings" download into a grid of text cells.

CQC publishes the download as an ODS workbook (sheets ``Locations`` and ``Providers``); copies
circulate as CSV and XLSX. Whatever the format, the importer sees the same thing: every row as
the spreadsheet shows it (row 1 first, banner and blank rows included, so that row numbers in
error messages are the ones a person sees), every cell as text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from specialmeasures.domain.errors import InputError
from specialmeasures.ingest.validation import DEFAULT_LIMITS, decode, parse_csv

__all__ = ["DEFAULT_SHEET", "SPREADSHEET_SUFFIXES", "Grid", "read_grid"]

#: The sheet holding trust-level ratings, imported unless another is asked for.
DEFAULT_SHEET = "Providers"
#: Workbook formats read through pandas (ODS through odfpy, XLSX through openpyxl).
SPREADSHEET_SUFFIXES = {".ods": "odf", ".xlsx": "openpyxl"}


@dataclass(frozen=True, slots=True)
class Grid:
    """The cells of one sheet: ``rows[0]`` is spreadsheet row 1."""

    file: str
    sheet: str | None
    rows: tuple[tuple[str, ...], ...]


def read_grid(path: Path, data: bytes, sheet: str | None = None) -> Grid:
    """Read ``sheet`` of the workbook at ``path`` (already read as ``data``), or a CSV file.

    For a workbook ``sheet`` defaults to ``Providers``; a CSV file holds one sheet, named by
    ``sheet`` or recognised later from its header.
    """
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(path.name, data, sheet or DEFAULT_SHEET, SPREADSHEET_SUFFIXES[suffix])
    if suffix in {".csv", ".txt"}:
        return Grid(path.name, sheet, _read_csv(path.name, data))
    raise InputError(
        "is not a CQC ratings file this importer reads (expected .ods, .xlsx or .csv)",
        file=path.name,
    )


def _read_csv(name: str, data: bytes) -> tuple[tuple[str, ...], ...]:
    # UTF-8 only (with or without a byte-order mark): a cp1252 or Latin-1 guess could turn a
    # trust's name into other letters without a word. See ingest/validation.py.
    records = parse_csv(name, decode(name, data))
    return tuple(tuple(cell.strip() for cell in record) for record in records)


def _read_workbook(name: str, data: bytes, sheet: str, engine: str) -> Grid:
    import pandas as pd  # type: ignore[import-untyped]  # heavy: imported only for workbooks

    try:
        with pd.ExcelFile(io.BytesIO(data), engine=engine) as book:
            names = [str(n) for n in book.sheet_names]
            if sheet not in names:
                raise InputError(f"has no sheet {sheet!r} (sheets: {', '.join(names)})", file=name)
            frame = pd.read_excel(
                book, sheet_name=sheet, header=None, dtype=str, keep_default_na=False
            )
    except InputError:
        raise
    except Exception as error:  # a corrupt or mislabelled workbook: say so in one line
        raise InputError(f"cannot be read as a workbook: {error}", file=name) from None
    rows = tuple(tuple(str(v).strip() for v in record) for record in frame.itertuples(index=False))
    if len(rows) > DEFAULT_LIMITS.max_rows:
        raise InputError(f"has more than {DEFAULT_LIMITS.max_rows:,} rows", file=name)
    return Grid(name, sheet, rows)
