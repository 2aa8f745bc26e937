"""``specialmeasures evidence import`` and ``evidence matrix``: qualitative evidence records and
the framework matrix (sites x codes, with the sources and source types behind each cell).

Confidential by default: every export says CONFIDENTIAL (a column in CSV, a title in tables, a
first sheet and page header in Excel).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from specialmeasures.access.policy import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import emit, open_platform
from specialmeasures.cli._layout import choose_layout, layout_option, print_table
from specialmeasures.cli._tables import write_csv_atomic
from specialmeasures.domain import InputError
from specialmeasures.ingest.validation import DateWindow
from specialmeasures.reports.cells import append_row

CONFIDENTIAL = "CONFIDENTIAL: qualitative evidence, not for publication"
CELL_COLUMNS = ("site", "code", "sources", "source_types", "tiers", "triangulated", "refs")


@click.group()
def evidence() -> None:
    """Qualitative evidence: import records and codebooks, print the framework matrix."""


@evidence.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@importer_option(Action.DATA_IMPORT)
def import_command(file: Path, actor: str | None = None) -> None:
    """Import an evidence CSV (or a codebook CSV: code, family, label, description).

    All or nothing: any bad cell stops the import with its file, row, column and value, and
    nothing is written. Re-importing a record's ref replaces it. Once accounts exist, it acts
    as one allowed data.import (--as), named in the audit log.
    """
    from specialmeasures.evaluation.evidence_store import import_evidence

    platform = open_platform()
    try:
        now = datetime.now(UTC)
        window = DateWindow.from_settings(platform.settings, now.date())
        if actor:
            counts = import_evidence(platform.repository, file, at=now, window=window,
                                     actor=actor, role="data import (command line)")  # fmt: skip
        else:  # no account exists yet: as before
            counts = import_evidence(platform.repository, file, at=now, window=window)
    finally:
        platform.close()
    click.echo(", ".join(f"{k} {v}" for k, v in counts.items()))


def _matrix(platform: Any) -> tuple[list[Any], dict[str, dict[str, Any]], list[Any]]:
    from specialmeasures.evaluation.evidence import framework_matrix
    from specialmeasures.evaluation.evidence_store import load_codes, load_records

    codes = load_codes(platform.repository)
    records = load_records(platform.repository)
    return codes, framework_matrix(records, codes), records


@evidence.command("matrix")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table",
              show_default=True)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx).")  # fmt: skip
@click.option("--long", "long_form", is_flag=True, help="One row per site and code (CSV/table).")
@layout_option("site x code")
def matrix(fmt: str, output: Path | None, long_form: bool, layout: str) -> None:
    """Sites x codes: each cell shows the number of sources and their types; * marks a cell
    triangulated across two or more source types. In a terminal too narrow for a column per
    code the table turns long (as --long) unless --layout wide is given."""
    platform = open_platform()
    try:
        codes, cells, records = _matrix(platform)
    finally:
        platform.close()
    if fmt == "xlsx":
        if output is None or output.suffix.lower() != ".xlsx":
            raise InputError("--format xlsx needs -o FILE.xlsx", column="--output")
        _write_xlsx(output, codes, cells, records)
        click.echo(f"wrote {output}")
        return
    wide_rows = [{"site": site, **{c.code: row[c.code].text() for c in codes},
                  "confidential": "yes"} for site, row in cells.items()]  # fmt: skip
    wide_columns = ("site", *(c.code for c in codes), "confidential")
    if fmt == "table" and output is None and not long_form:
        long_form = choose_layout(layout, wide_rows, wide_columns) == "long"
    if long_form:
        rows = [{**cell.row(), "confidential": "yes"} for row in cells.values()
                for cell in row.values() if cell.sources]  # fmt: skip
        columns: tuple[str, ...] = (*CELL_COLUMNS, "confidential")
    else:
        rows, columns = wide_rows, wide_columns
    if output is not None:
        write_csv_atomic(output, columns, [[r.get(c) for c in columns] for r in rows])
        click.echo(f"wrote {output}")
        return
    title = f"Framework matrix — {CONFIDENTIAL}"
    if fmt == "table":  # the title says CONFIDENTIAL; the column is for files that travel
        shown = tuple(c for c in columns if c != "confidential")
        print_table(rows, shown, title=title, wide=not long_form)
        return
    emit(rows, columns, fmt, title=title)


def _write_xlsx(path: Path, codes: list[Any], cells: dict[str, dict[str, Any]],
                records: list[Any]) -> None:  # fmt: skip
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from specialmeasures.evaluation.evidence import RAP_HEADINGS

    book = Workbook()
    cover = book.active
    cover.title = "CONFIDENTIAL"
    append_row(cover, [CONFIDENTIAL])
    cover["A1"].font = Font(bold=True, color="D5281B")
    append_row(cover, ["Framework matrix: cells show sources (source types); * = triangulated."])

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet(title)
        ws.oddHeader.center.text = CONFIDENTIAL
        append_row(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            append_row(ws, r)

    sheet(
        "matrix",
        ["site", *(c.code for c in codes)],
        [[site, *(row[c.code].text() for c in codes)] for site, row in cells.items()],
    )
    sheet(
        "cells",
        list(CELL_COLUMNS),
        [
            [cell.row()[k] for k in CELL_COLUMNS]
            for row in cells.values()
            for cell in row.values()
            if cell.sources
        ],
    )
    sheet(
        "codebook",
        ["code", "family", "label", "description"],
        [[c.code, c.family, c.label, c.description] for c in codes],
    )
    sheet("evidence", ["ref", "site", "date", "source_type", "tier", "title",
                       *(f"rap_{h}" for h in RAP_HEADINGS), "quotes", "codes"],
          [[r.ref, r.site, r.collected_on.isoformat(), r.source_type, r.tier, r.title,
            *(r.summary.get(h, "") for h in RAP_HEADINGS), " || ".join(r.quotes),
            ";".join(r.codes)] for r in records])  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


COMMANDS = [evidence]
