"""Reviewed data files shipped with the project (mappings, successors) and the small CSV tables
of the NOF, RSP and SAF imports: UTF-8 CSV with a header (reviewed files also with ``#`` comment
lines), read through the common validation layer with the file's own row numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from specialmeasures.domain import InputError
from specialmeasures.ingest.csv_checks import csv_table, parse_csv
from specialmeasures.ingest.text_checks import decode

__all__ = ["checked_rows", "file_bytes", "packaged_bytes", "reviewed_rows", "table_reader"]


def checked_rows(
    file: str, data: bytes, columns: Sequence[str], *, comments: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """Each data row of a CSV file with a header as (row number in the file, stripped cells),
    through the checks every importer makes (``ingest/validation.py``: UTF-8, CSV structure,
    header names and ``columns`` present, row widths, control and direction characters, at
    least one data row). With ``comments``, lines starting with ``#`` are skipped but counted.
    """
    text = decode(file, data)
    if comments:
        lines = text.splitlines(keepends=True)
        text = "".join("\n" if line.startswith("#") else line for line in lines)
    records = parse_csv(file, text)
    header_row = next((k + 1 for k, r in enumerate(records) if any(c.strip() for c in r)), 1)
    table = csv_table(file, records, required=columns, header_row=header_row)
    return [(row.number, row.cells) for row in table.rows]


def reviewed_rows(
    file: str, data: bytes, columns: Sequence[str]
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Each data row as (row number in the file, cells, values of ``columns``), ``#`` comment
    lines skipped but counted, so row numbers are the file's (see :func:`checked_rows`)."""
    for number, cells in checked_rows(file, data, columns, comments=True):
        yield number, cells, {c: cells.get(c, "") for c in columns}


def packaged_bytes(name: str) -> bytes:
    """A reviewed file shipped inside the package (``ingest/data``)."""
    return resources.files("specialmeasures.ingest").joinpath("data", name).read_bytes()


def file_bytes(path: Path) -> bytes:
    """A file's bytes; one that cannot be read is an ``InputError`` naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None


def table_reader(
    path: Path, columns: Sequence[str]
) -> tuple[bytes, list[tuple[int, dict[str, str]]]]:
    """A CSV file with a header holding every one of ``columns``: its bytes and its checked rows
    (row number, stripped cells; :func:`checked_rows`)."""
    data = file_bytes(path)
    return data, checked_rows(str(path), data, columns)
