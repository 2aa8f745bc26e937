"""Reviewed data files shipped with the project (mappings, successors): UTF-8 CSV with a header
and ``#`` comment lines, read row by row with the file's own row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from specialmeasures.domain import InputError

__all__ = ["reviewed_rows"]


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
