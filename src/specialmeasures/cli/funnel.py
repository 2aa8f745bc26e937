"""``specialmeasures funnel``: funnel-plot limits and outliers for grouped counts in a CSV file."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import click
import numpy as np
from numpy.typing import NDArray

from specialmeasures.cli._fast_csv import Columns, Fallback, read_columns
from specialmeasures.cli._tables import (
    _atomic,
    read_table,
    refuse_if_too_large,
    write_json_atomic,
)
from specialmeasures.domain.errors import InputError
from specialmeasures.reports.cells import FORMULA_TRIGGERS, csv_row, escape_text

__all__ = ["COMMANDS", "funnel"]

OUTPUT_COLUMNS = (
    "group",
    "numerator",
    "denominator",
    "ratio",
    "z",
    "lcl95",
    "ucl95",
    "lcl998",
    "ucl998",
    "od_lcl95",
    "od_ucl95",
    "od_lcl998",
    "od_ucl998",
    "outlier",
)
LEVELS = {"95": 0.95, "99.8": 0.998}


def summary_path(output: Path) -> Path:
    """``OUT.csv`` -> ``OUT.summary.json``."""
    stem = output.name[: -len(".csv")] if output.name.lower().endswith(".csv") else output.name
    return output.with_name(f"{stem}.summary.json")


def _non_negative(value: float) -> str | None:
    return "must not be negative" if value < 0 else None


def _reprs(values: NDArray[np.float64]) -> list[str]:
    return list(map(float.__repr__, np.asarray(values, dtype=np.float64).tolist()))


def _escaped(texts: list[str]) -> list[str]:
    """The column as ``csv_cell`` writes text cells (only a would-be formula is escaped)."""
    return [escape_text(t) if t.startswith(FORMULA_TRIGGERS) else t for t in texts]


#: Files smaller than this go straight to the validating reader: for them, loading the
#: columnar reader's parser costs more than it saves.
COLUMNAR_BYTES = 1 << 20


def _read_input(
    path: Path, numerator: str, denominator: str, group: str, data_type: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.str_]]:
    """Numerators, denominators and group labels per row, read column by column from a plain
    file whose values all pass the checks (``_fast_csv``), else through the validating reader,
    which names the first bad cell; either way the same answer or error."""
    try:
        small = path.stat().st_size < COLUMNAR_BYTES
    except OSError:
        small = True  # the validating reader names the problem
    fast = (
        Fallback("a small file")
        if small
        else read_columns(path, texts=[group], numbers=[numerator, denominator])
    )
    if isinstance(fast, Columns):
        o = fast.numbers[numerator]
        e = fast.numbers[denominator]
        if (
            bool((o >= 0).all())
            and bool((e >= 0).all())
            and (data_type != "PR" or bool((o <= e).all()))
        ):
            names = np.asarray(fast.texts[group], dtype=str)
            return o, e, names[fast.codes[group]]
        fast = Fallback("a value the checks refuse")
    refuse_if_too_large(path, fast)
    table = read_table(path)
    table.require(numerator, denominator, group)
    o_list = table.numbers(numerator, _non_negative)
    e_list = table.numbers(denominator, _non_negative)
    if data_type == "PR":
        for offset, (oi, ei) in enumerate(zip(o_list, e_list, strict=True)):
            if oi > ei:
                raise InputError(
                    f"observed ({numerator}) exceeds denominator ({denominator}) for a proportion",
                    file=str(path), row=offset + 2, column=numerator, value=oi,
                )  # fmt: skip
    return (
        np.asarray(o_list, dtype=np.float64),
        np.asarray(e_list, dtype=np.float64),
        np.asarray(table.text(group)),
    )


def _write_rows(handle: TextIO, rows: Iterable[Sequence[object]]) -> None:
    """What ``write_csv_atomic`` writes for these rows (their cells already as ``csv_cell``
    makes them)."""
    writer = csv.writer(handle)
    writer.writerow(csv_row(OUTPUT_COLUMNS))
    writer.writerows(rows)


@click.command()
@click.argument("input_csv", metavar="INPUT.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--numerator", required=True, help="Column of observed counts O.")
@click.option("--denominator", required=True, help="Column of expected counts E or cases n.")
@click.option("--group", required=True, help="Column naming the unit (rows are summed by it).")
@click.option(
    "--type", "data_type", required=True, type=click.Choice(["SR", "PR", "RC"]),
    help="SR = standardised ratio O/E, PR = proportion, RC = ratio of counts.",
)  # fmt: skip
@click.option("--sr-method", default="SHMI", show_default=True, type=click.Choice(["SHMI", "CQC"]))
@click.option(
    "--limit", "limit", default="99.8", show_default=True, type=click.Choice(list(LEVELS)),
    help="Limits (in %) that define outliers.",
)  # fmt: skip
@click.option("--no-overdispersion", is_flag=True, help="Flag against unadjusted limits.")
@click.option("--trim", default=0.1, show_default=True, type=float, help="Trim per tail.")
@click.option("--multiplier", default=1.0, show_default=True, type=float)
@click.option(
    "--reference-compatible", is_flag=True,
    help="Reproduce FunnelPlotR 0.6.0 exactly (CQC limits not back-transformed, log(0)).",
)  # fmt: skip
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Output CSV; phi and tau2 also go to OUT.summary.json.",
)  # fmt: skip
def funnel(
    input_csv: Path,
    numerator: str,
    denominator: str,
    group: str,
    data_type: str,
    sr_method: str,
    limit: str,
    no_overdispersion: bool,
    trim: float,
    multiplier: float,
    reference_compatible: bool,
    output: Path,
) -> None:
    """Funnel plot (Spiegelhalter 2005; FunnelPlotR 0.6.0) for the groups of INPUT.csv."""
    from specialmeasures.stats.funnel import FunnelOptions, aggregate_groups, compute_funnel

    try:
        options = FunnelOptions(
            data_type=data_type,  # type: ignore[arg-type]
            sr_method=sr_method,  # type: ignore[arg-type]
            trim_by=trim,
            outlier_level=LEVELS[limit],
            draw_adjusted=not no_overdispersion,
            draw_unadjusted=no_overdispersion,
            multiplier=multiplier,
            reference_compatible=reference_compatible,
        )
    except ValueError as error:
        raise InputError(f"bad option: {error}") from None
    o, e, groups = _read_input(input_csv, numerator, denominator, group, data_type)
    file = str(input_csv)
    labels, o_sum, e_sum = aggregate_groups(o, e, groups)
    for label, total in zip(labels.tolist(), e_sum.tolist(), strict=True):
        if total <= 0:
            raise InputError(
                f"group {label!r} has a denominator total of 0", file=file, column=denominator,
                value=total,
            )  # fmt: skip
    try:
        result = compute_funnel(o_sum, e_sum, options=options)
    except ValueError as error:
        raise InputError(str(error), file=file) from None

    m = options.multiplier
    # Each output column built once from the result's arrays, then laid out row by row.
    columns = [
        labels.tolist(),
        _reprs(result.numerator),
        _reprs(result.denominator),
        _reprs(result.ratio * m),
        _reprs(result.z),
        *(_reprs(a[j]) for j in (0, 1) for a in (result.lower, result.upper)),
        *(_reprs(a[j]) for j in (0, 1) for a in (result.od_lower, result.od_upper)),
        result.outlier.astype(int).tolist(),
    ]
    text_columns = [_escaped(column) for column in columns[:-1]]
    rows = zip(*text_columns, columns[-1], strict=True)
    phi, tau2 = float(result.phi[0]), float(result.tau2[0])
    summary = {
        "phi": phi,
        "tau2": tau2,
        "target": float(result.target[0]) * m,
        "n_groups": len(labels),
        "n_used_for_dispersion": int(result.n_used[0]),
        "n_outliers": int(result.outlier.sum()),
        "adjusted_limits_used": bool(result.adjusted_effective[0]),
        "options": {
            "type": data_type,
            "sr_method": sr_method,
            "limit": limit,
            "overdispersion": not no_overdispersion,
            "trim": trim,
            "multiplier": multiplier,
            "reference_compatible": reference_compatible,
        },
    }
    _atomic(output, lambda handle: _write_rows(handle, rows))
    write_json_atomic(summary_path(output), summary)
    click.echo(f"phi={phi!r} tau2={tau2!r}")
    click.echo(
        f"{len(labels)} groups, {int(np.sum(result.outlier))} outliers "
        f"({'adjusted' if result.adjusted_effective[0] else 'unadjusted'} {limit}% limits)"
    )


COMMANDS = [funnel]
