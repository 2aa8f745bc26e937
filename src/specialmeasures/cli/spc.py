"""``specialmeasures spc``: Making Data Count XmR charts for the series in a CSV file."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import click
import numpy as np
from numpy.typing import NDArray

from specialmeasures.cli._fast_csv import (
    BLOCK_BYTES,
    Columns,
    Fallback,
    iter_columns,
    read_columns,
)
from specialmeasures.cli._float_text import float_texts
from specialmeasures.cli._tables import (
    Table,
    _atomic,
    read_table,
    refuse_if_too_large,
)
from specialmeasures.domain.errors import InputError
from specialmeasures.reports.cells import FORMULA_TRIGGERS, escape_text
from specialmeasures.stats.spc_icons import POINT_TYPES
from specialmeasures.stats.spc_options import SpcOptions
from specialmeasures.stats.spc_tidy import NO_FACET, SpcResult
from specialmeasures.stats.spc_tidy import spc as spc_kernel

__all__ = ["COMMANDS", "OUTPUT_COLUMNS", "SUMMARY_COLUMNS", "spc"]

OUTPUT_COLUMNS = (
    "facet",
    "date",
    "value",
    "rebase_group",
    "short_group_warning",
    "mean",
    "lpl",
    "upl",
    "nlpl",
    "nupl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_type",
    "special_cause_flag",
    "point_type",
    "target",
)
SUMMARY_COLUMNS = (
    "facet",
    "rebase_group",
    "mean",
    "lpl",
    "upl",
    "n",
    "n_missing",
    "n_gaps",
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "variation_type",
    "variation_icon",
    "assurance_type",
    "assurance_icon",
    "warnings",
)
#: Cells read as a missing value (reported in the summary, never flagged).
MISSING_CELLS = frozenset({"", "NA", "na", "N/A", "null", "NULL"})
FIRST_DATA_ROW = 2  # as a spreadsheet counts: the header is row 1


def _parse_date(text: str, *, file: str | None, row: int | None, column: str | None) -> date:
    raw = text.strip()
    try:
        if len(raw) == 7:  # YYYY-MM: the first of the month
            return date.fromisoformat(raw + "-01")
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise InputError(
            "not a date (YYYY-MM-DD or YYYY-MM)", file=file, row=row, column=column, value=text
        ) from None


def _values(table: Table, column: str) -> list[float]:
    cells = table.text(column)
    # The common case in one pass: every cell a finite number (float() ignores the surrounding
    # whitespace that strip() would remove). Anything else takes the cell-by-cell path below,
    # which reads missing cells and names the first bad one.
    try:
        fast = list(map(float, cells))
    except ValueError:
        fast = None
    if fast is not None and bool(np.isfinite(np.asarray(fast, dtype=np.float64)).all()):
        return fast
    out = []
    for offset, raw in enumerate(cells):
        cell = raw.strip()
        if cell in MISSING_CELLS:
            out.append(math.nan)
            continue
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
            cell = ""
        if not cell or not math.isfinite(value):
            raise InputError(
                "not a number",
                file=str(table.path),
                row=offset + FIRST_DATA_ROW,
                column=column,
                value=raw,
            )
        out.append(value)
    return out


def _read_series(
    path: Path, value: str, date_column: str, facet: str | None
) -> tuple[NDArray[np.float64], NDArray[np.datetime64], NDArray[np.str_]]:
    """Values, dates and facet names per row, read column by column when the file is plain
    (``_fast_csv``), else through the validating reader; either way the same answer or error."""
    fast = read_columns(
        path,
        texts=[date_column, *([facet] if facet else [])],
        numbers=[value],
        missing=MISSING_CELLS,
    )
    if isinstance(fast, Fallback):
        refuse_if_too_large(path, fast)
        return _read_series_validated(path, value, date_column, facet)
    values = fast.numbers[value]
    date_code, days = _day_codes(fast, path, date_column)
    if facet:
        names = np.asarray(fast.texts[facet], dtype=str)
        facet_code = fast.codes[facet].astype(np.int64)
    else:
        names = np.asarray([NO_FACET], dtype=str)
        facet_code = np.zeros(values.size, dtype=np.int64)
    _check_duplicates(
        facet_code * len(days) + date_code,
        path,
        date_column,
        lambda k: str(names[facet_code[k]]),
        days,
        facet,
    )
    return values, np.asarray(days, dtype="datetime64[D]")[date_code], names[facet_code]


def _day_codes(fast: Columns, path: Path, date_column: str) -> tuple[NDArray[np.int32], list[date]]:
    """Each row's index into the distinct days of the date column (in order of first
    appearance), and those days; the first bad date (by row) is reported."""
    texts = fast.texts[date_column]
    day_index: dict[date, int] = {}
    text_day = np.empty(len(texts), dtype=np.int32)
    bad: list[tuple[int, str]] = []
    for k, text in enumerate(texts):
        try:
            day = _parse_date(text, file=None, row=None, column=None)
        except InputError:
            bad.append((fast.first_row(date_column, k), text))
            continue
        text_day[k] = day_index.setdefault(day, len(day_index))
    if bad:
        row, text = min(bad)
        raise InputError(
            "not a date (YYYY-MM-DD or YYYY-MM)",
            file=str(path),
            row=row,
            column=date_column,
            value=text,
        )
    return text_day[fast.codes[date_column]], list(day_index)


def _read_series_validated(
    path: Path, value: str, date_column: str, facet: str | None
) -> tuple[NDArray[np.float64], NDArray[np.datetime64], NDArray[np.str_]]:
    table = read_table(path)
    table.require(value, date_column, *([facet] if facet else []))
    values = np.asarray(_values(table, value), dtype=np.float64)
    # A file has few distinct dates: each text is parsed once (the first bad one is still
    # reported at its first row) and rows carry the index of their date.
    index: dict[str, int] = {}
    day_index: dict[date, int] = {}
    codes = []
    for k, text in enumerate(table.text(date_column)):
        code = index.get(text)
        if code is None:
            day = _parse_date(text, file=str(path), row=k + FIRST_DATA_ROW, column=date_column)
            code = index[text] = day_index.setdefault(day, len(day_index))
        codes.append(code)
    days = list(day_index)
    date_code = np.asarray(codes, dtype=np.int64)
    facets = [f.strip() for f in table.text(facet)] if facet else [NO_FACET] * len(values)
    facet_index: dict[str, int] = {}
    facet_code = np.asarray([facet_index.setdefault(f, len(facet_index)) for f in facets])
    _check_duplicates(
        facet_code * len(days) + date_code, path, date_column, facets.__getitem__, days, facet
    )
    return values, np.asarray(days, dtype="datetime64[D]")[date_code], np.asarray(facets, dtype=str)


def _check_duplicates(
    keys: NDArray[np.int64],
    path: Path,
    date_column: str,
    facet_of_row: Callable[[int], str],
    days: list[date],
    facet: str | None,
) -> None:
    """Report the first row (in file order) whose (facet, date) an earlier row already had."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    if repeat.size == 0:
        return
    later = order[repeat]
    k = int(later.min())
    first = int(order[np.searchsorted(ordered, keys[k])])  # stable: the earliest such row
    where = f" in facet {facet_of_row(k)!r}" if facet else ""
    raise InputError(
        f"duplicate date{where} (first seen on row {first + FIRST_DATA_ROW})",
        file=str(path),
        row=k + FIRST_DATA_ROW,
        column=date_column,
        value=days[int(keys[k]) % len(days)].isoformat(),
    )


def _read_targets(path: Path) -> dict[str, float]:
    table = read_table(path)
    table.require("facet", "target")
    numbers = table.numbers("target")
    return dict(zip((f.strip() for f in table.text("facet")), numbers, strict=True))


def _read_rebase(path: Path) -> dict[str, list[date]]:
    table = read_table(path)
    table.require("facet", "date")
    out: dict[str, list[date]] = {}
    for k, (facet, text) in enumerate(zip(table.text("facet"), table.text("date"), strict=True)):
        day = _parse_date(text, file=str(path), row=k + FIRST_DATA_ROW, column="date")
        out.setdefault(facet.strip(), []).append(day)
    return out


def _number(x: float) -> str:
    return "" if math.isnan(x) else repr(float(x))


def _flag(x: bool) -> str:
    return "TRUE" if x else "FALSE"


#: Lines of the output CSV built and written per chunk, so memory stays flat for many series.
#: About 3 MB of text: a chunk's strings reuse the memory the previous chunk freed (65,536
#: lines took 14,000 more fresh pages, 25 MB more at peak, for the same CPU).
OUTPUT_CHUNK = 16_384
_FLAGS = ("FALSE", "TRUE")
#: The line ending of ``csv.writer`` (the "excel" dialect), which wrote these files before.
_EOL = "\r\n"
#: Characters that make ``csv.writer`` quote a cell (delimiter, quote, line ending).
_QUOTED = re.compile('[,"\r\n]')


def _cell(text: str) -> str:
    """One text field as ``csv.writer`` writes it (quoted only where needed), escaped by the one
    export rule (``reports/cells.py``: a facet such as ``=HYPERLINK(...)`` is not run by a
    spreadsheet; plain numbers are left as they are)."""
    if not text.startswith(FORMULA_TRIGGERS) and _QUOTED.search(text) is None:
        return text  # as csv.writer writes it, and the export rule leaves it alone
    buffer = io.StringIO()
    csv.writer(buffer).writerow([escape_text(text), ""])
    return buffer.getvalue()[: -len("," + _EOL)]


def _output_text(result: SpcResult) -> Iterator[str]:
    """The output CSV (``OUTPUT_COLUMNS``) as pieces of text, header first, each ending a line.

    Columns are built once from the result's arrays, never per row: what is constant within a
    rebase group (facet, limits, target, ...) is formatted once per group, and the per-point
    labels (outside limits, relative to mean, close to limits, special cause, point type) are
    coded into one integer whose few distinct values are formatted once. A chunk of lines is
    then one ``str.join`` of its cells laid out by slice assignment (no Python code per row).
    The text is what ``csv.writer`` wrote row by row before (``tests/unit/test_cli_spc_output.py``
    compares).
    """
    yield ",".join(_cell(c) for c in OUTPUT_COLUMNS) + _EOL
    b = result.batch
    lengths = b.group_lengths
    series = b.group_series
    facet = [_cell(f) for f in result.facets.tolist()]
    target = float_texts(b.series_target)
    means = [
        float_texts(a) for a in (b.group_mean, b.group_lpl, b.group_upl, b.group_nlpl, b.group_nupl)
    ]
    group_head = np.asarray([facet[s] + "," for s in series.tolist()], dtype=object)
    group_middle = np.asarray(
        [
            f",{rebase},{_FLAGS[short]},{mean},{lpl},{upl},{nlpl},{nupl},"
            for rebase, short, mean, lpl, upl, nlpl, nupl in zip(
                b.group_rebase.tolist(), b.group_short.tolist(), *means, strict=True
            )
        ],
        dtype=object,
    )
    group_tail = np.asarray([f",{target[s]}{_EOL}" for s in series.tolist()], dtype=object)
    group_of_point = np.repeat(np.arange(lengths.size), lengths)
    # Per-point labels: one code per point for the combination, each combination written once.
    relative = np.where(b.missing, 3, b.relative_to_mean.astype(np.int64) + 1)  # 0..2; 3: blank
    n_causes = len(b.special_cause_labels)
    combination = (
        ((b.outside_limits.astype(np.int64) * 4 + relative) * 2 + b.close_to_limits) * n_causes
        + b.special_cause_code
    ) * len(POINT_TYPES) + b.point_type_code
    # The few combinations present, each formatted once, in a table indexed by the code itself
    # (codes are small: no sort).
    kind_list: list[str | None] = [None] * (int(combination.max(initial=0)) + 1)
    for code in np.flatnonzero(np.bincount(combination)).tolist():
        key = code
        code, point = divmod(code, len(POINT_TYPES))
        code, cause = divmod(code, n_causes)
        code, close = divmod(code, 2)
        outside, rel = divmod(code, 4)
        kind_list[key] = ",".join(
            (
                _FLAGS[outside],
                "" if rel == 3 else str(rel - 1),
                _FLAGS[close],
                _cell(b.special_cause_labels[cause]),
                _FLAGS[cause != 0],
                _cell(POINT_TYPES[point]),
            )
        )
    # One target for every series (one --target, or none): the line's end is the same for
    # every point of a combination, and joins its cell.
    one_target = len(set(target)) == 1
    if one_target:
        end = f",{target[0]}{_EOL}"
        kind_list = [None if text is None else text + end for text in kind_list]
    kind_cells = np.asarray(kind_list, dtype=object)
    day_cells, day_of_point = _day_cells(result.date)
    width = 5 if one_target else 6
    for start in range(0, b.values.size, OUTPUT_CHUNK):
        cut = slice(start, start + OUTPUT_CHUNK)
        group = group_of_point[cut]
        cells: list[str] = [""] * (width * group.size)
        cells[0::width] = group_head[group].tolist()
        cells[1::width] = day_cells[day_of_point[cut]].tolist()
        cells[2::width] = float_texts(b.values[cut])
        cells[3::width] = group_middle[group].tolist()
        cells[4::width] = kind_cells[combination[cut]].tolist()
        if not one_target:
            cells[5::width] = group_tail[group].tolist()
        yield "".join(cells)


def _day_cells(dates: NDArray[np.datetime64]) -> tuple[NDArray[np.object_], NDArray[np.intp]]:
    """Each distinct day's cell (with its comma) and each point's index into them: days as
    offsets from the first, looked up in a table when they span a few years (no sort)."""
    days = dates.astype("datetime64[D]").view(np.int64)
    if days.size:
        first = int(days.min())
        span = int(days.max()) - first + 1
        if span <= 4 * days.size + 65_536:
            offset = days - first
            present = np.flatnonzero(np.bincount(offset, minlength=span))
            texts = np.datetime_as_string(
                (present + first).astype("datetime64[D]"), unit="D"
            ).tolist()
            table = np.empty(span, dtype=object)
            table[present] = [_cell(d) + "," for d in texts]
            return table, offset
    distinct, index = np.unique(days, return_inverse=True)
    texts = np.datetime_as_string(distinct.astype("datetime64[D]"), unit="D").tolist()
    return np.asarray([_cell(d) + "," for d in texts], dtype=object), index.reshape(-1)


def _write_text(path: Path, pieces: Iterator[str]) -> None:
    """Write ``pieces`` to ``path`` in one step (temporary file, then rename), one at a time."""

    def write(handle: TextIO) -> None:
        for piece in pieces:
            handle.write(piece)

    _atomic(path, write)


def _number_cells(values: NDArray[np.float64]) -> list[str]:
    """Number cells as ``csv.writer`` writes them after the export rule: ``repr``, empty for
    NaN (only ``-inf`` of all reprs is text a spreadsheet would run)."""
    out = float_texts(values)
    for k in np.flatnonzero(np.isneginf(values)).tolist():
        out[k] = _cell(out[k])
    return out


def _summary_header() -> str:
    return ",".join(_cell(c) for c in SUMMARY_COLUMNS) + _EOL


def _summary_text(result: SpcResult) -> str:
    """The summary CSV's lines (``SUMMARY_COLUMNS``, no header): what ``csv.writer`` wrote row
    by row from ``result.summary().rows()`` with every text cell through the export rule, built
    a column at a time (each distinct text formatted once)."""
    summary = result.summary()
    if summary.facet.size == 0:
        return ""
    b = result.batch
    facet = [_cell(f) for f in result.facets.tolist()]
    cached: dict[str | None, str] = {None: ""}

    def texts(items: list[str | None]) -> list[str]:
        out = []
        for item in items:
            cell = cached.get(item)
            if cell is None:
                cell = cached[item] = _cell(str(item))
            out.append(cell)
        return out

    columns = [
        [facet[s] for s in b.group_series.tolist()],
        list(map(str, summary.rebase_group.tolist())),
        _number_cells(summary.mean),
        _number_cells(summary.lpl),
        _number_cells(summary.upl),
        *(
            list(map(str, a.tolist()))
            for a in (
                summary.n,
                summary.n_missing,
                summary.n_gaps,
                summary.common_cause,
                summary.special_cause_improvement,
                summary.special_cause_concern,
            )
        ),
        texts(summary.variation_type.tolist()),
        texts(summary.variation_icon.tolist()),
        texts(list(summary.assurance_type)),
        texts(list(summary.assurance_icon)),
        texts(["; ".join(w) for w in summary.warnings]),
    ]
    return _EOL.join(map(",".join, zip(*columns, strict=True))) + _EOL


@click.command()
@click.argument("input_csv", metavar="INPUT.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--value", "value_column", required=True, help="Column of the measure.")
@click.option("--date", "date_column", required=True, help="Column of dates (YYYY-MM-DD).")
@click.option("--facet", "facet_column", default=None, help="Column naming each series.")
@click.option(
    "--improvement", default="increase", show_default=True,
    type=click.Choice(["increase", "decrease", "neutral"]), help="Which direction is better.",
)  # fmt: skip
@click.option("--target", type=float, default=None, help="One target for every facet.")
@click.option(
    "--targets", "targets_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="CSV with columns facet,target.",
)  # fmt: skip
@click.option("--rebase", multiple=True, help="Date starting a new rebase group (repeatable).")
@click.option(
    "--rebase-file", "rebase_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="CSV with columns facet,date: rebase dates per facet.",
)  # fmt: skip
@click.option("--fix-after", type=int, default=None, help="Fix the limits on the first N points.")
@click.option("--no-screen-outliers", is_flag=True, help="Do not screen moving ranges (MDC Excel).")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Output CSV: one row per input row, sorted by facet then date.",
)  # fmt: skip
@click.option(
    "--summary", "summary_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Summary CSV: one row per facet and rebase group, with icons.",
)  # fmt: skip
def spc(
    input_csv: Path,
    value_column: str,
    date_column: str,
    facet_column: str | None,
    improvement: str,
    target: float | None,
    targets_csv: Path | None,
    rebase: tuple[str, ...],
    rebase_csv: Path | None,
    fix_after: int | None,
    no_screen_outliers: bool,
    output: Path,
    summary_csv: Path | None,
) -> None:
    """Making Data Count XmR charts (NHSRplotthedots 0.2.2 rules) for a CSV of series."""
    if target is not None and targets_csv is not None:
        raise InputError("give --target or --targets, not both", column="--targets")
    if rebase and rebase_csv is not None:
        raise InputError("give --rebase or --rebase-file, not both", column="--rebase-file")
    try:
        options = SpcOptions(
            improvement_direction=improvement,  # type: ignore[arg-type]  # click.Choice
            screen_outliers=not no_screen_outliers,
            fix_after_n_points=fix_after,
        )
    except ValueError as error:
        raise InputError(str(error), column="--fix-after", value=fix_after) from None
    if targets_csv is None and rebase_csv is None and facet_column is not None:
        try:
            listed = [_parse_date(d, file=None, row=None, column="--rebase") for d in rebase]
        except InputError:
            listed = None  # reported after the input is read, as before
        counts = (
            _spc_streamed(
                input_csv, value_column, date_column, facet_column, target, listed or None,
                options, output, summary_csv,
            )
            if listed is not None and not _seen_unsorted(input_csv, facet_column)
            else None
        )  # fmt: skip
        if counts is None and listed is not None:
            counts = _spc_unsorted(
                input_csv, value_column, date_column, facet_column, target, listed or None,
                options, output, summary_csv,
            )  # fmt: skip
        if counts is not None:
            _report(*counts, output)
            return
    values, dates, facets = _read_series(input_csv, value_column, date_column, facet_column)
    targets: float | dict[str, float] | None = target
    if targets_csv is not None:
        targets = _read_targets(targets_csv)
    rebase_dates: list[date] | dict[str, list[date]] | None = None
    if rebase:
        rebase_dates = [_parse_date(d, file=None, row=None, column="--rebase") for d in rebase]
    elif rebase_csv is not None:
        rebase_dates = _read_rebase(rebase_csv)
    result = spc_kernel(
        values,
        dates,
        facets=facets,
        rebase=rebase_dates,
        target=targets,
        options=options,
    )
    summary_text = _summary_text(result) if summary_csv is not None else None
    _write_text(output, _output_text(result))
    if summary_csv is not None and summary_text is not None:
        _write_text(summary_csv, iter([_summary_header(), summary_text]))
    _report(
        result.value.size,
        result.facets.size,
        int(result.special_cause_flag.sum()),
        len(result.gaps),
        output,
    )


def _report(points: int, facets: int, special: int, gaps: int, output: Path) -> None:
    click.echo(
        f"{points} points in {facets} facet(s); {special} special cause; "
        f"{gaps} calendar gap(s); wrote {output}",
        err=True,
    )


class _NotStreamedError(Exception):
    """The file cannot be charted a group of facets at a time (what was written is dropped)."""


#: Rows charted at a time when the input is sorted by facet: memory stays flat however many
#: series the file holds.
STREAM_ROWS = 1_000_000
#: Bytes of the input read at a time on that path.
STREAM_BLOCK_BYTES = BLOCK_BYTES


#: Bytes at the start of the input looked at to tell a file not sorted by facet at once.
SAMPLE_BYTES = 1 << 18


def _seen_unsorted(path: Path, facet: str) -> bool:
    """Whether the first lines of the file already show its rows are not sorted by facet (a
    facet after a greater one, or back after another): then the sorted stream would read a
    block for nothing. Only a shortcut: both paths write the same files."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        if b'"' in sample:
            return False
        lines = sample.decode("utf-8").lstrip("\ufeff").split("\n")[:-1]
    except (OSError, UnicodeDecodeError):
        return False
    if len(lines) < 3:
        return False
    header = [name.strip() for name in lines[0].rstrip("\r").split(",")]
    if header.count(facet) != 1:
        return False
    column = header.index(facet)
    cells = [line.split(",") for line in lines[1:]]
    if any(len(row) != len(header) for row in cells):
        return False
    names = [row[column].strip() for row in cells]
    runs = [names[0], *(b for a, b in itertools.pairwise(names) if a != b)]
    return any(a >= b for a, b in itertools.pairwise(runs))


def _spc_streamed(
    path: Path,
    value: str,
    date_column: str,
    facet: str,
    target: float | None,
    rebase: list[date] | None,
    options: SpcOptions,
    output: Path,
    summary_csv: Path | None,
) -> tuple[int, int, int, int] | None:
    """Chart a plain file whose rows are sorted by facet (each facet's rows together, facets in
    the order of the output) a group of whole facets at a time, writing as it goes; the files
    written are what charting the whole file at once writes. None, with nothing written, when
    the file is not plain or not sorted, or holds anything to report (a bad date, a duplicate):
    the whole-file path then reads it and names the first problem as it always has.
    """
    counts = [0, 0, 0, 0]  # points, facets, special-cause points, calendar gaps

    def run(out: TextIO, summary: TextIO | None) -> None:
        charts = _Charts(out, summary, rebase, target, options, counts)
        day_of_text: list[int] = []
        pending: list[tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int32]]] = []
        pending_rows = 0
        last_name: str | None = None
        names: list[str] = []

        def chart(
            parts: list[tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int32]]],
        ) -> None:
            values = np.concatenate([p[0] for p in parts])
            days = np.concatenate([p[1] for p in parts]).astype("datetime64[D]")
            codes = np.concatenate([p[2] for p in parts])
            present, inverse = np.unique(codes, return_inverse=True)
            facet_names = np.asarray([names[c] for c in present.tolist()], dtype=str)[inverse]
            charts.chart(values, days, facet_names)

        for part in iter_columns(
            path,
            texts=[date_column, facet],
            numbers=[value],
            missing=MISSING_CELLS,
            block_bytes=STREAM_BLOCK_BYTES,
        ):
            if isinstance(part, Fallback):
                raise _NotStreamedError
            texts = part.texts[date_column]
            for text in texts[len(day_of_text) :]:
                try:
                    day = _parse_date(text, file=None, row=None, column=None)
                except InputError:
                    raise _NotStreamedError from None
                day_of_text.append(day.toordinal() - _EPOCH_ORDINAL)
            names = part.texts[facet]
            codes = part.codes[facet]
            starts = np.flatnonzero(np.diff(codes)) + 1
            sequence = [names[c] for c in codes[np.concatenate(([0], starts))].tolist()]
            if last_name is not None and sequence[0] != last_name:
                sequence.insert(0, last_name)
            if any(a >= b for a, b in itertools.pairwise(sequence)):
                raise _NotStreamedError  # not sorted by facet
            last_name = sequence[-1]
            days = np.asarray(day_of_text, dtype=np.int64)[part.codes[date_column]]
            pending.append((part.numbers[value], days, codes))
            pending_rows += codes.size
            if pending_rows >= STREAM_ROWS and starts.size:
                # Chart every facet but the last, which may go on in the next block.
                cut = int(starts[-1])
                done = [*pending[:-1], (pending[-1][0][:cut], days[:cut], codes[:cut])]
                pending = [(pending[-1][0][cut:], days[cut:], codes[cut:])]
                pending_rows = codes.size - cut
                chart(done)
        if not pending_rows and charts.first:
            raise _NotStreamedError  # no data rows: the whole-file path says so
        if pending_rows:
            chart(pending)

    def with_summary(out: TextIO) -> None:
        if summary_csv is None:
            run(out, None)
        else:
            _atomic(summary_csv, lambda summary: run(out, summary))

    try:
        _atomic(output, with_summary)
    except _NotStreamedError:
        return None
    return counts[0], counts[1], counts[2], counts[3]


class _Charts:
    """Charts groups of whole facets (each group in facet order, after the previous one) and
    writes each group's output lines and summary rows as it goes; the files are what charting
    every facet at once writes."""

    def __init__(
        self,
        out: TextIO,
        summary: TextIO | None,
        rebase: list[date] | None,
        target: float | None,
        options: SpcOptions,
        counts: list[int],
    ) -> None:
        self.out = out
        self.summary = summary
        if summary is not None:
            summary.write(_summary_header())
        self.rebase = rebase
        self.target = target
        self.options = options
        self.counts = counts  # points, facets, special-cause points, calendar gaps
        self.first = True

    def chart(
        self, values: NDArray[np.float64], days: NDArray[np.datetime64], facets: NDArray[np.str_]
    ) -> None:
        try:
            result = spc_kernel(
                values,
                days,
                facets=facets,
                rebase=self.rebase,
                target=self.target,
                options=self.options,
            )
        except ValueError:
            raise _NotStreamedError from None  # a duplicate date: reported by the whole-file path
        pieces = _output_text(result)
        header = next(pieces)
        if self.first:
            self.out.write(header)
            self.first = False
        for piece in pieces:
            self.out.write(piece)
        if self.summary is not None:
            self.summary.write(_summary_text(result))
        self.counts[0] += result.value.size
        self.counts[1] += result.facets.size
        self.counts[2] += int(result.special_cause_flag.sum())
        self.counts[3] += len(result.gaps)


def _spc_unsorted(
    path: Path,
    value: str,
    date_column: str,
    facet: str,
    target: float | None,
    rebase: list[date] | None,
    options: SpcOptions,
    output: Path,
    summary_csv: Path | None,
) -> tuple[int, int, int, int] | None:
    """Chart a plain file in any row order from its columns: facets and dates as integer codes,
    the rows put in output order (facet, then date) by one argsort of a (facet rank, day rank)
    key, then charted a group of whole facets at a time and written as it goes; the files
    written are what charting the whole file at once writes. A bad date or a duplicate
    (facet, date) is refused with the whole-file path's error; None, with nothing written, when
    the file is not plain (the whole-file path then reads it through the validating reader)."""
    fast = read_columns(
        path,
        texts=[date_column, facet],
        numbers=[value],
        missing=MISSING_CELLS,
        block_bytes=STREAM_BLOCK_BYTES,
    )
    if isinstance(fast, Fallback):
        return None
    date_code, days = _day_codes(fast, path, date_column)
    del fast.codes[date_column]
    names = np.asarray(fast.texts[facet], dtype=str)
    n_days = len(days)
    # Ranks of the facets and days in output order; the key (facet rank, day rank) is one
    # integer, int32 while it fits.
    key_type: type[np.signedinteger[Any]] = np.int32 if names.size * n_days < 2**31 else np.int64
    facet_order = np.argsort(names, kind="stable")
    facet_rank = np.empty(names.size, dtype=key_type)
    facet_rank[facet_order] = np.arange(names.size, dtype=key_type)
    sorted_names = names[facet_order]
    day_values = np.asarray(days, dtype="datetime64[D]")
    day_order = np.argsort(day_values, kind="stable")
    day_rank = np.empty(n_days, dtype=key_type)
    day_rank[day_order] = np.arange(n_days, dtype=key_type)
    sorted_days = day_values[day_order]
    key: NDArray[np.signedinteger[Any]] = facet_rank[fast.codes.pop(facet)]
    del facet_rank
    per_facet = np.bincount(key, minlength=names.size)
    key *= n_days
    key += day_rank[date_code]
    del date_code
    # Keys are distinct unless a (facet, date) repeats, so any sort gives the one order (the
    # default sort is about twice as fast as a stable one here). A duplicate leaves two equal
    # keys side by side; the key is one-to-one with (facet, date), so the report (which sorts
    # stably itself) is the whole-file path's.
    order = np.argsort(key)
    duplicate = False
    for start in range(0, order.size, STREAM_ROWS):
        stretch = key[order[max(start - 1, 0) : start + STREAM_ROWS]]
        duplicate = duplicate or bool((stretch[1:] == stretch[:-1]).any())
    if duplicate:
        del order
        _check_duplicates(
            key.astype(np.int64),
            path,
            date_column,
            lambda k: str(sorted_names[int(key[k]) // n_days]),
            [day.item() for day in sorted_days],
            facet,
        )
    values = fast.numbers.pop(value)
    # Groups of whole facets of about STREAM_ROWS rows: each ends at a facet's last row.
    ends = np.cumsum(per_facet)
    cuts = np.unique(ends[np.searchsorted(ends, np.arange(STREAM_ROWS, ends[-1], STREAM_ROWS))])
    bounds = [0, *cuts.tolist(), int(ends[-1])]
    counts = [0, 0, 0, 0]

    def run(out: TextIO, summary: TextIO | None) -> None:
        charts = _Charts(out, summary, rebase, target, options, counts)
        for start, stop in itertools.pairwise(bounds):
            if stop <= start:
                continue
            rows = order[start:stop]
            keys = key[rows]
            charts.chart(
                values[rows],
                sorted_days[keys % n_days],
                sorted_names[keys // n_days],
            )

    def with_summary(out: TextIO) -> None:
        if summary_csv is None:
            run(out, None)
        else:
            _atomic(summary_csv, lambda summary: run(out, summary))

    try:
        _atomic(output, with_summary)
    except _NotStreamedError:
        return None
    return counts[0], counts[1], counts[2], counts[3]


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


COMMANDS = [spc]
