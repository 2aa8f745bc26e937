"""``specialmeasures funnel``: funnel-plot limits and outliers for grouped counts in a CSV file."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from specialmeasures.cli._tables import read_table, write_csv_atomic, write_json_atomic
from specialmeasures.domain.errors import InputError

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
    table = read_table(input_csv)
    table.require(numerator, denominator, group)
    o = table.numbers(numerator, _non_negative)
    e = table.numbers(denominator, _non_negative)
    file = str(input_csv)
    if data_type == "PR":
        for offset, (oi, ei) in enumerate(zip(o, e, strict=True)):
            if oi > ei:
                raise InputError(
                    f"observed ({numerator}) exceeds denominator ({denominator}) for a proportion",
                    file=file, row=offset + 2, column=numerator, value=oi,
                )  # fmt: skip
    labels, o_sum, e_sum = aggregate_groups(o, e, table.text(group))
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
    rows = []
    for i, label in enumerate(labels.tolist()):
        rows.append(
            [
                label,
                repr(float(result.numerator[i])),
                repr(float(result.denominator[i])),
                repr(float(result.ratio[i] * m)),
                repr(float(result.z[i])),
                *(repr(float(a[j, i])) for j in (0, 1) for a in (result.lower, result.upper)),
                *(repr(float(a[j, i])) for j in (0, 1) for a in (result.od_lower, result.od_upper)),
                int(result.outlier[i]),
            ]
        )
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
    write_csv_atomic(output, OUTPUT_COLUMNS, rows)
    write_json_atomic(summary_path(output), summary)
    click.echo(f"phi={phi!r} tau2={tau2!r}")
    click.echo(
        f"{len(labels)} groups, {int(np.sum(result.outlier))} outliers "
        f"({'adjusted' if result.adjusted_effective[0] else 'unadjusted'} {limit}% limits)"
    )


COMMANDS = [funnel]
