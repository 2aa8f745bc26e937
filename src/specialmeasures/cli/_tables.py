"""CSV in and out for the statistics commands: checked columns, numbers with row numbers in
errors, and output written to a temporary file then renamed (never a partial file)."""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from specialmeasures.cli._fast_csv import Fallback
from specialmeasures.domain.errors import InputError
from specialmeasures.ingest.validation import (
    DEFAULT_LIMITS,
    csv_table,
    decode,
    parse_csv,
    read_bytes,
)
from specialmeasures.reports.cells import csv_row

__all__ = [
    "Table",
    "read_table",
    "refuse_if_too_large",
    "write_csv_atomic",
    "write_json_atomic",
]

#: Rows are numbered as in a spreadsheet: the header is row 1.
FIRST_DATA_ROW = 2


class Table:
    """The header and rows of a CSV file, with typed column access that reports bad cells."""

    def __init__(
        self,
        path: Path,
        header: list[str],
        rows: list[list[str]],
        numbers: list[int] | None = None,
    ) -> None:
        self.path = path
        self.header = header
        self.rows = rows
        #: Each row's spreadsheet row number (header = row 1; blank rows are skipped).
        self.row_numbers = numbers or list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))

    def require(self, *columns: str) -> None:
        for column in columns:
            if column not in self.header:
                raise InputError(
                    f"no column {column!r}; the columns are {', '.join(self.header)}",
                    file=str(self.path),
                    column=column,
                )

    def text(self, column: str) -> list[str]:
        self.require(column)
        i = self.header.index(column)
        try:
            return [row[i] for row in self.rows]
        except IndexError:  # a short row: its missing cells are empty
            return [row[i] if i < len(row) else "" for row in self.rows]

    def numbers(
        self, column: str, check: Callable[[float], str | None] | None = None
    ) -> list[float]:
        """Parse a column as finite numbers; ``check`` returns a message for a bad value."""
        out = []
        for row, raw in zip(self.row_numbers, self.text(column), strict=True):
            try:
                value = float(raw)
            except ValueError:
                raise InputError(
                    "not a number", file=str(self.path), row=row, column=column, value=raw
                ) from None
            if not math.isfinite(value):
                raise InputError(
                    "not a finite number", file=str(self.path), row=row, column=column, value=raw
                )
            problem = check(value) if check else None
            if problem:
                raise InputError(problem, file=str(self.path), row=row, column=column, value=raw)
            out.append(value)
        return out


def read_table(path: str | Path) -> Table:
    """Read a CSV file with a header row through the one validation layer of the importers
    (``ingest/validation.py``): UTF-8, well-formed, a unique header, rows of its width."""
    file = Path(path)
    name = str(file)
    table = csv_table(name, parse_csv(name, decode(name, read_bytes(file))))
    header = list(table.header)
    return Table(
        file,
        header,
        [[row.cell(h) for h in header] for row in table.rows],
        [row.number for row in table.rows],
    )


def refuse_if_too_large(path: Path, why: Fallback) -> None:
    """Refuse a file too large for the validating reader that the columnar one cannot read
    (``_fast_csv``), saying what it found and where, rather than only that it is large."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the validating reader names the problem
    if size > DEFAULT_LIMITS.max_bytes:
        raise InputError(
            f"is {size:,} bytes: a file over {DEFAULT_LIMITS.max_bytes:,} bytes is read only "
            "when it is plain CSV (UTF-8, no quotes, every line as wide as the header, every "
            f"value a number or a missing marker); this one has {why.reason}",
            file=str(path),
            row=why.row,
        )


def _atomic(path: Path, write: Callable[[Any], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv_atomic(
    path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write a CSV file in one step: a temporary file in the same folder, then a rename."""

    def write(handle: Any) -> None:
        writer = csv.writer(handle)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)

    _atomic(Path(path), write)


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Write a JSON document in one step."""
    _atomic(Path(path), lambda handle: handle.write(json.dumps(data, indent=2) + "\n"))


def check_chart_path(output: Path) -> None:
    """Refuse a chart file name that is neither .svg nor .png, before any work is done."""
    if output.suffix.lower() not in (".svg", ".png"):
        raise InputError("the chart file must end in .svg or .png", value=str(output))


def write_figure(
    output: Path,
    chart: Any,
    document: Any,
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
) -> None:
    """Save a matplotlib ``chart`` to ``output`` with its twins: ``document`` as OUTPUT.json and
    ``rows`` as OUTPUT.csv (``columns`` plus a ``confidential`` column: every figure of the
    evaluation draws on confidential data)."""
    from specialmeasures.reports.charts import save_chart

    save_chart(chart, output)
    write_json_atomic(output.with_suffix(".json"), document)
    write_csv_atomic(
        output.with_suffix(".csv"),
        [*columns, "confidential"],
        [[r.get(c) for c in columns] + ["yes"] for r in rows],
    )
