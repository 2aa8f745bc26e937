"""``specialmeasures interventions``: the Table 3 matrix, "none"/"no data" records, packs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._choices import INTERVENTION_KINDS
from specialmeasures.cli._context import DateParam, emit, open_platform
from specialmeasures.cli._layout import choose_layout, layout_option, print_table
from specialmeasures.domain import InputError


@click.group()
def interventions() -> None:
    """Interventions by trust (the seed's Table 3), records of none, board/OAG packs."""


@interventions.command("matrix")
@click.option("--providers", "codes", multiple=True, help="Trust code (repeatable).")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json", "xlsx"], case_sensitive=False))  # fmt: skip
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File for --format xlsx.")  # fmt: skip
@layout_option("trust x intervention")
def matrix(
    codes: tuple[str, ...], as_of: date | None, fmt: str, output: Path | None, layout: str
) -> None:
    """Rows: ID, buddying, leadership changes, NHSI funds; a column per trust; "No data".

    In a terminal too narrow for a column per trust the table turns long (one row per trust and
    intervention) unless --layout wide is given."""
    from specialmeasures.interventions import intervention_matrix
    from specialmeasures.interventions.packs import write_matrix_xlsx

    if fmt == "xlsx" and output is None:
        raise InputError("--format xlsx needs --output FILE.xlsx", column="--output")
    platform = open_platform()
    try:
        found = intervention_matrix(platform.repository, as_of=as_of or date.today(),
                                    providers=list(codes) or None)  # fmt: skip
    finally:
        platform.close()
    if fmt == "xlsx":
        assert output is not None
        write_matrix_xlsx(found, output)
        click.echo(f"wrote {output} ({len(found.providers)} trusts)")
        return
    if fmt == "json":
        click.echo(json.dumps(found.rows(), indent=2, ensure_ascii=False))
        return
    title = "The delivery of NHSI interventions by trust"
    if fmt != "table":
        emit(found.rows(), found.columns, fmt, title=title)
        return
    rows, columns = found.rows(), found.columns
    if choose_layout(layout, rows, columns) == "wide":
        print_table(rows, columns, title=title, wide=True)
        return
    long_rows = [
        {"trust": code, "intervention": r["intervention"], "delivered": r[code]}
        for code in found.providers
        for r in rows
    ]
    print_table(long_rows, ("trust", "intervention", "delivered"), title=title, wide=False)


@interventions.command("record")
@click.argument("code")
@click.option("--kind", type=click.Choice(list(INTERVENTION_KINDS)), required=True)
@click.option("--status", type=click.Choice(["none", "no_data"]), required=True)
@click.option("--note", default="")
@actor_options(Action.INTERVENTION_RECORD)
def record(code: str, kind: str, status: str, note: str, **who: str) -> None:
    """Record that trust CODE had no such intervention, or could not supply data."""
    from specialmeasures.interventions.matrix import record_status

    platform = open_platform()
    try:
        record_status(platform.repository, code, kind, status, note,
                      actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"{code} {kind}: {status}")


@interventions.command("pack")
@click.argument("code")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", type=click.Choice(["html", "xlsx", "pdf"]), default="html",
              show_default=True)  # fmt: skip
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--include-confidential", is_flag=True,
              help="Also show Challenged Provider status (a pack for the regulator or the OAG).")  # fmt: skip
def pack(code: str, as_of: date | None, fmt: str, output: Path, include_confidential: bool) -> None:
    """Write trust CODE's board/OAG pack (HTML, Excel or PDF; marked CONFIDENTIAL)."""
    from specialmeasures.interventions.packs import build_pack, pack_html, write_pack_xlsx

    platform = open_platform()
    try:
        built = build_pack(platform.repository, code, as_of or date.today(),
                           include_confidential=include_confidential)  # fmt: skip
    finally:
        platform.close()
    if fmt == "html":
        output.write_text(pack_html(built), encoding="utf-8")
    elif fmt == "pdf":
        from specialmeasures.reports.pack_pdf import pack_pdf  # fpdf2 only when asked for

        output.write_bytes(pack_pdf(built))
    else:
        write_pack_xlsx(built, output)
    click.echo(f"wrote {output}")


COMMANDS = [interventions]
