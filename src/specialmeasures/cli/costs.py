"""``specialmeasures costs``: the regime's direct costs beside finances and outcome changes (the
cost-consequence table, docs/evaluation.md "Costs"). Grouped by trajectory group, which uses the
CP list: every output says it is confidential."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from specialmeasures.cli._context import DateParam, emit, open_platform
from specialmeasures.cli._tables import write_csv_atomic, write_json_atomic
from specialmeasures.domain import InputError
from specialmeasures.reports.cells import append_row

if TYPE_CHECKING:
    from specialmeasures.evaluation.costs import CostTable

__all__ = ["COMMANDS", "costs"]

CONFIDENTIAL = "CONFIDENTIAL (uses the CP list)"
#: The terminal table keeps the costs and each indicator's change; CSV/JSON/xlsx carry every
#: column (before and after means, directions, trusts with data, hours, approvals).
_TABLE_TRUST = ("code", "group", "entry", "funding_spent", "id_cost", "buddy_cost",
                "oversight_cost", "reporting_cost", "total_direct_cost")  # fmt: skip
_TABLE_GROUP = ("group", "trusts", "funding_spent", "id_cost", "buddy_cost", "oversight_cost",
                "reporting_cost", "total_direct_cost", "mean_direct_cost_per_trust")  # fmt: skip


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the terminal: money in £ thousands, changes to 3 significant figures."""
    from specialmeasures.evaluation.costs import MONEY_COLUMNS, display_value

    return {
        key: display_value(key, value, thousands=True)
        if key in MONEY_COLUMNS or key.endswith(("_change", "_per_trust"))
        else value
        for key, value in row.items()
    }


def _print_table(rows: list[dict[str, Any]], columns: tuple[str, ...], title: str) -> None:
    """Wider than ``emit``'s table: the costs and the consequences stay on one line."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for c in columns:
        label = c.replace("_change", " Δ").replace("_", " ")
        table.add_column(label, justify="left" if c in ("code", "group", "entry") else "right")
    for r in rows:
        table.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in columns))
    Console(soft_wrap=False, width=max(200, Console().width)).print(table)


def _write_xlsx(path: Path, table: CostTable) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from specialmeasures.evaluation.cost_views import GROUP_ORDER

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "CONFIDENTIAL"
    append_row(cover, [CONFIDENTIAL])
    cover["A1"].font = Font(bold=True, color="D5281B")
    append_row(cover, [f"Cost-consequence table as of {table.as_of}: the regime's direct costs "
                  "beside each trust's finances and outcome changes; no single ratio."])  # fmt: skip
    append_row(cover, ["The rates are configurable assumptions (policy evaluation, cost_*)."])

    def sheet(title: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        ws = book.create_sheet(title)
        ws.oddHeader.center.text = CONFIDENTIAL
        append_row(ws, columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            append_row(ws, [r.get(c) for c in columns])

    sheet("groups", table.group_columns(), table.group_rows(GROUP_ORDER))
    sheet("trusts", table.trust_columns(), table.trust_rows())
    rates = table.rates.row()
    sheet("assumptions", tuple(rates), [rates])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


@click.command()
@click.option("--as-of", type=DateParam(), default=None,
              help="Costs and data up to this date (default: today).")  # fmt: skip
@click.option("--by", type=click.Choice(["trust", "group"]), default="group", show_default=True,
              help="One row per trust, or per trajectory group (and all).")  # fmt: skip
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json", "xlsx"], case_sensitive=False))  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx) instead of standard output.")  # fmt: skip
def costs(as_of: date | None, by: str, fmt: str, output: Path | None) -> None:
    """The regime's direct costs beside finances and outcome changes (cost-consequence).

    Per trust or per trajectory group: funding approved and drawn, Improvement Director days,
    paid buddy months, oversight (OAG) and reporting hours, each priced at the rates of policy
    evaluation (cost_* parameters, stated assumptions), and the total direct cost; beside them
    the financial indicators and outcomes in the 12 months before and after entry. No ratio.
    """
    from specialmeasures.evaluation.cost_views import regime_costs
    from specialmeasures.evaluation.documents import cost_rows

    fmt = fmt.lower()
    if fmt == "xlsx" and (output is None or output.suffix.lower() != ".xlsx"):
        raise InputError("--format xlsx needs -o FILE.xlsx", column="--output")
    day = as_of or date.today()
    platform = open_platform()
    try:
        table = regime_costs(platform.repository, day)
    finally:
        platform.close()
    if fmt == "xlsx":
        assert output is not None
        _write_xlsx(output, table)
        click.echo(f"{CONFIDENTIAL}\nwrote {output} ({len(table.trusts)} trusts)", err=True)
        return
    rows, columns = cost_rows(table, by)
    if output is not None and fmt in ("csv", "json"):
        marked = [{**r, "confidential": "yes"} for r in rows]
        if fmt == "csv":
            write_csv_atomic(
                output, [*columns, "confidential"],
                [[r.get(c) for c in (*columns, "confidential")] for r in marked],
            )  # fmt: skip
        else:
            write_json_atomic(output, marked)
        click.echo(f"{CONFIDENTIAL}\nwrote {output}", err=True)
        return
    if fmt == "table":
        indicators = (*table.rates.financial_indicators, *table.rates.outcome_indicators)
        columns = (*(_TABLE_GROUP if by == "group" else _TABLE_TRUST),
                   *(f"{i}_change" for i in indicators))  # fmt: skip
        title = (f"Direct costs of the regime by {by} as of {day} (£ thousands; rates: "
                 f"{table.rates.policy_version}) — {CONFIDENTIAL}")  # fmt: skip
        _print_table([_compact(r) for r in rows], columns, title)
        click.echo(
            f"Changes: mean of the {table.rates.months} months from entry minus the "
            f"{table.rates.months} before; listed beside the costs, not divided by them."
        )
        return
    emit([{**r, "confidential": "yes"} for r in rows], (*columns, "confidential"), fmt)


COMMANDS = [costs]
