"""``specialmeasures observations``: one indicator's monthly series for a provider or England."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from specialmeasures.cli._context import DateParam, open_platform

if TYPE_CHECKING:
    from specialmeasures.register.observation_series import SeriesRow

__all__ = ["COMMANDS", "observations_command", "render"]

COLUMNS = ("period", "numerator", "denominator", "value")


def _num(x: float | None) -> str:
    """Full precision; whole counts without a trailing ".0"."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**53 else repr(float(x))


def render(rows: list[SeriesRow], fmt: str) -> str:
    """The series as csv or json (full precision; period as YYYY-MM)."""
    if fmt == "json":
        return json.dumps(
            [
                {
                    "period": f"{r.period:%Y-%m}",
                    "numerator": r.numerator,
                    "denominator": r.denominator,
                    "value": r.value,
                }
                for r in rows
            ],
            indent=2,
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [f"{r.period:%Y-%m}", _num(r.numerator), _num(r.denominator), repr(float(r.value))]
        )
    return out.getvalue().rstrip("\n")


@click.command(name="observations")
@click.option("--indicator", "indicator_id", required=True, help="Indicator id, e.g. ae_four_hour.")
@click.option("--provider", default=None, help="A provider's (or reporting organisation's) code.")
@click.option(
    "--national", is_flag=True, help="England: every reporting organisation of each month."
)
@click.option("--from", "start", type=DateParam(), default=None, help="First month (YYYY-MM).")
@click.option("--to", "end", type=DateParam(), default=None, help="Last month (YYYY-MM).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"], case_sensitive=False),
    default="table", show_default=True,
)  # fmt: skip
def observations_command(
    indicator_id: str,
    provider: str | None,
    national: bool,
    start: date | None,
    end: date | None,
    fmt: str,
) -> None:
    """One row per month: period, numerator, denominator and value (a proportion for proportion
    indicators; full precision in csv and json). Give --provider CODE or --national."""
    from specialmeasures.register.observation_series import observation_series

    platform = open_platform()
    try:
        rows = observation_series(
            platform.repository,
            indicator_id,
            provider=provider,
            national=national,
            start=start,
            end=end,
        )
    finally:
        platform.close()
    if fmt.lower() != "table":
        click.echo(render(rows, fmt.lower()))
        return
    where = "England (every reporting organisation)" if national else str(provider).upper()
    table = Table(title=f"{indicator_id}: {where}")
    for name in COLUMNS:
        table.add_column(name, justify="left" if name == "period" else "right")
    for r in rows:
        table.add_row(
            f"{r.period:%Y-%m}",
            "" if r.numerator is None else f"{r.numerator:,.0f}",
            "" if r.denominator is None else f"{r.denominator:,.0f}",
            f"{r.value:.1%}" if r.denominator is not None else f"{r.value:.4g}",
        )
    Console(width=100).print(table)


COMMANDS = [observations_command]
