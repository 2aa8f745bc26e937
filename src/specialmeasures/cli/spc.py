"""``specialmeasures spc``: Making Data Count XmR charts for the series in a CSV file."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import click
import numpy as np

from specialmeasures.cli._tables import Table, read_table, write_csv_atomic
from specialmeasures.domain.errors import InputError
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
    out = []
    for offset, raw in enumerate(table.text(column)):
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
) -> tuple[list[float], list[date], list[str]]:
    table = read_table(path)
    table.require(value, date_column, *([facet] if facet else []))
    values = _values(table, value)
    dates = [
        _parse_date(text, file=str(path), row=k + FIRST_DATA_ROW, column=date_column)
        for k, text in enumerate(table.text(date_column))
    ]
    facets = [f.strip() for f in table.text(facet)] if facet else [NO_FACET] * len(values)
    seen: dict[tuple[str, date], int] = {}
    for k, key in enumerate(zip(facets, dates, strict=True)):
        row = k + FIRST_DATA_ROW
        if key in seen:
            where = f" in facet {key[0]!r}" if facet else ""
            raise InputError(
                f"duplicate date{where} (first seen on row {seen[key]})",
                file=str(path),
                row=row,
                column=date_column,
                value=key[1].isoformat(),
            )
        seen[key] = row
    return values, dates, facets


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


def _output_rows(result: SpcResult) -> list[list[str]]:
    columns = {
        "mean": result.mean,
        "lpl": result.lpl,
        "upl": result.upl,
        "nlpl": result.nlpl,
        "nupl": result.nupl,
        "target": result.target,
        "value": result.value,
    }
    numbers = {k: [_number(x) for x in v.tolist()] for k, v in columns.items()}
    missing = result.missing.tolist()
    rtm = result.relative_to_mean.tolist()
    rows = []
    for k in range(result.value.size):
        rows.append(
            [
                str(result.facet[k]),
                str(result.date[k]),
                numbers["value"][k],
                str(int(result.rebase_group[k])),
                _flag(bool(result.short_group_warning[k])),
                numbers["mean"][k],
                numbers["lpl"][k],
                numbers["upl"][k],
                numbers["nlpl"][k],
                numbers["nupl"][k],
                _flag(bool(result.outside_limits[k])),
                "" if missing[k] else str(rtm[k]),
                _flag(bool(result.close_to_limits[k])),
                str(result.special_cause_type[k]),
                _flag(bool(result.special_cause_flag[k])),
                str(result.point_type[k]),
                numbers["target"][k],
            ]
        )
    return rows


def _summary_rows(result: SpcResult) -> list[list[str]]:
    rows = []
    for row in result.summary().rows():
        cells = []
        for column in SUMMARY_COLUMNS:
            cell = row[column]
            if cell is None:
                cells.append("")
            elif isinstance(cell, float):
                cells.append(_number(cell))
            else:
                cells.append(str(cell))
        rows.append(cells)
    return rows


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
        np.asarray(values, dtype=np.float64),
        dates,
        facets=facets,
        rebase=rebase_dates,
        target=targets,
        options=options,
    )
    rows = _output_rows(result)
    summary_rows = _summary_rows(result) if summary_csv is not None else None
    write_csv_atomic(output, OUTPUT_COLUMNS, rows)
    if summary_csv is not None and summary_rows is not None:
        write_csv_atomic(summary_csv, SUMMARY_COLUMNS, summary_rows)
    n_special = int(result.special_cause_flag.sum())
    click.echo(
        f"{len(rows)} points in {result.facets.size} facet(s); {n_special} special cause; "
        f"{len(result.gaps)} calendar gap(s); wrote {output}",
        err=True,
    )


COMMANDS = [spc]
