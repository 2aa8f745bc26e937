"""Reviewed data files shipped with the project (mappings, successors): UTF-8 CSV with a header
and ``#`` comment lines, read row by row with the file's own row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from specialmeasures.domain import InputError

__all__ = ["file_bytes", "packaged_bytes", "reviewed_rows", "table_reader"]


def reviewed_rows(
    file: str, data: bytes, columns: Sequence[str]
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Each data row as (row number in the file, raw cells, stripped values of ``columns``).

    Comment lines (``#``) are skipped but counted, so row numbers are the file's. A file that is
    not UTF-8 or lacks a column is refused with an ``InputError`` naming the file, row and
    column.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", file=file) from None
    lines = text.splitlines(keepends=True)
    body = [line for line in lines if not line.startswith("#")]
    skipped = len(lines) - len(body)
    reader = csv.DictReader(io.StringIO("".join(body)))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError("has no such column", file=file, row=skipped + 1, column=missing[0])
    for offset, cells in enumerate(reader, start=2):
        yield skipped + offset, cells, {c: (cells.get(c) or "").strip() for c in columns}


def packaged_bytes(name: str) -> bytes:
    """A reviewed file shipped inside the package (``ingest/data``)."""
    return resources.files("specialmeasures.ingest").joinpath("data", name).read_bytes()


def file_bytes(path: Path) -> bytes:
    """A file's bytes; one that cannot be read is an ``InputError`` naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None


def table_reader(path: Path, columns: Sequence[str]) -> tuple[bytes, csv.DictReader[str]]:
    """A UTF-8 CSV file with a header holding every one of ``columns``: its bytes and a dict
    reader over it; the refusals name the file (and the missing column)."""
    name = str(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", file=name) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=name) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for column in columns:
        if column not in header:
            raise InputError(f"no column {column!r}; the columns are {', '.join(header)}",
                             file=name, column=column)  # fmt: skip
    return data, reader
