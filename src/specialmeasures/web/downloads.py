"""CSV twins of the pages' tables: the same rows as the page and the JSON, as a download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.responses import Response

from specialmeasures.reports.cells import csv_cell

__all__ = ["csv_response"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    # A cell a spreadsheet would run as a formula is quoted: the one rule of reports/cells.py.
    return str(csv_cell(value))


def csv_response(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    filename: str,
    *,
    confidential: bool = False,
) -> Response:
    """A CSV download of ``rows`` (one column per name in ``columns``); a confidential table
    carries a ``confidential`` column and is never cached."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [*columns, *(["confidential"] if confidential else [])]
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns] + (["yes"] if confidential else []))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if confidential:
        headers["Cache-Control"] = "no-store"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
