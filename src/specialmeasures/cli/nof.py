"""``specialmeasures nof``: NHS Oversight Framework 2025/26 segments, league tables, the metric
catalogue, and what would move a trust up a segment (docs/nof.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import emit, open_platform
from specialmeasures.domain import InputError
from specialmeasures.rules.nof import TRUST_TYPES
from specialmeasures.rules.nof_catalogue import DOMAINS, Quarter, load_catalogue

if TYPE_CHECKING:
    from specialmeasures.regime.nof_service import NofRun

__all__ = ["COMMANDS", "nof"]

_TYPES = click.Choice(["acute", "non-acute", "ambulance"], case_sensitive=False)
_FORMATS = click.Choice(["table", "csv", "json", "xlsx"], case_sensitive=False)
_TABLE = ("rank", "likely_rank", "code", "name", "metrics_scored", "average_score",
          "delivery_segment", "in_deficit", "segment")  # fmt: skip
_FULL = (*_TABLE[:2], "rank_low", "rank_high", *_TABLE[2:], "org_type", "capped", "pip",
         *(f"domain_{d}" for d in DOMAINS), "synthetic", "rules", "move_up")  # fmt: skip
SYNTHETIC_NOTE = "Synthetic demonstration data: fictional trusts and synthetic metric values."


def _type(value: str | None) -> list[str]:
    return list(TRUST_TYPES) if value is None else [value.lower().replace("-", "_")]


def _write_xlsx(path: Path, run: NofRun, kinds: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "about"
    cover.append([f"NHS Oversight Framework 2025/26 segments, {run.quarter.label} ({run.policy})"])
    cover["A1"].font = Font(bold=True)
    if run.synthetic:
        cover.append([SYNTHETIC_NOTE])
    cover.append(["Likely range of rank: a Poisson bootstrap over each trust's scored metrics "
                  "(the published method was not read); see docs/nof.md."])  # fmt: skip
    for kind in kinds:
        rows = run.of_type(kind)
        if not rows:
            continue
        ws = book.create_sheet(kind)
        ws.append(list(_FULL))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            row = r.row()
            ws.append([row.get(c) for c in _FULL])
        metrics = book.create_sheet(f"{kind}_metrics")
        metrics.append(["code", "metric", "value", "source", "score", "metric_rank"])
        for r in rows:
            for res in r.metrics:
                metrics.append([r.code, res.metric.id, res.value, res.source, res.score, res.rank])
    cat = book.create_sheet("catalogue")
    columns = list(load_catalogue()[0].row())
    cat.append(columns)
    for m in load_catalogue():
        cat.append([str(v) if v is not None else None for v in m.row().values()])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _emit_run(run: NofRun, kinds: list[str], fmt: str, output: Path | None) -> None:
    fmt = fmt.lower()
    if fmt == "xlsx":
        if output is None or output.suffix.lower() != ".xlsx":
            raise InputError("--format xlsx needs -o FILE.xlsx", column="--output")
        _write_xlsx(output, run, kinds)
        click.echo(f"wrote {output} ({len(run.rows)} trusts)", err=True)
        return
    if fmt == "json":
        data = run.as_data()
        data["league_tables"] = {k: v for k, v in data["league_tables"].items() if k in kinds}
        text = json.dumps(data, indent=2, default=str)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        return
    if fmt == "csv":
        rows = [r.row() for k in kinds for r in run.of_type(k)]
        if output is not None:
            from specialmeasures.cli._tables import write_csv_atomic

            write_csv_atomic(output, list(_FULL), [[row.get(c) for c in _FULL] for row in rows])
        else:
            emit(rows, _FULL, "csv")
        return
    if run.synthetic:
        click.echo(SYNTHETIC_NOTE)
    for kind in kinds:
        league = run.of_type(kind)
        if not league:
            continue
        counts = ", ".join(
            f"segment {s}: {sum(1 for r in league if r.segment == s)}" for s in range(1, 6)
        )
        title = f"{kind.replace('_', '-')} trusts, {run.quarter.label} ({len(league)}; {counts})"
        emit([r.row() for r in league], _TABLE, "table", title=title)


@click.group()
def nof() -> None:
    """NHS Oversight Framework 2025/26: segments, league tables and the metric catalogue."""


@nof.command()
@click.option(
    "--quarter", required=True, help="Financial-year quarter, e.g. 2025Q2 (Jul-Sep 2025)."
)
@click.option("--type", "org_type", type=_TYPES, default=None,
              help="One league (default: all three).")  # fmt: skip
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx).")  # fmt: skip
@click.option("--store/--no-store", default=True, show_default=True,
              help="Store the segments (replacing this quarter's) with inputs and rule ids.")  # fmt: skip
@click.option("--actor", default="specialmeasures nof score", show_default=True,
              help="Who ran the segmentation (recorded and audited).")  # fmt: skip
def score(quarter: str, org_type: str | None, fmt: str, output: Path | None, store: bool,
          actor: str) -> None:  # fmt: skip
    """Score every trust's metrics, its delivery score and segment for one quarter.

    Metric scores 1-4, the average (delivery) score, the quartile segment within the
    organisation type, the deficit cap (segment 3) and segment 5 where the region placed a
    segment-4 trust in the Provider Improvement Programme; league ranks with their likely range.
    """
    from specialmeasures.regime.nof_service import score_quarter, store_run

    q = Quarter.parse(quarter)
    kinds = _type(org_type)
    platform = open_platform()
    try:
        run = score_quarter(platform.repository, q, kinds)
        if not run.rows:
            raise InputError(f"no trusts of type {', '.join(kinds)} to score", column="--type")
        if store:
            now = datetime.now(UTC).replace(tzinfo=None)
            store_run(platform.repository, run, actor=actor, role="segmentation run", at=now)
    finally:
        platform.close()
    _emit_run(run, kinds, fmt, output)


@nof.command()
@click.option("--quarter", default=None, help="Quarter (default: the latest stored).")
@click.option("--type", "org_type", type=_TYPES, default=None)
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def league(quarter: str | None, org_type: str | None, fmt: str, output: Path | None) -> None:
    """The stored league tables (aggregated metric ranking) of one quarter."""
    from specialmeasures.regime.nof_service import stored_run

    platform = open_platform()
    try:
        run = stored_run(platform.repository, Quarter.parse(quarter) if quarter else None)
    finally:
        platform.close()
    _emit_run(run, _type(org_type), fmt, output)


@nof.command()
@click.argument("code")
@click.option("--quarter", default=None, help="Quarter (default: the latest stored).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def trust(code: str, quarter: str | None, fmt: str) -> None:
    """One trust's stored segment: metric scores, domain scores and what would move it up."""
    from specialmeasures.regime.nof_service import stored_run

    platform = open_platform()
    try:
        run = stored_run(platform.repository, Quarter.parse(quarter) if quarter else None)
    finally:
        platform.close()
    row = run.row(code.upper())
    if fmt == "json":
        click.echo(json.dumps({"quarter": run.quarter.code, **row.as_data()}, indent=2))
        return
    if row.synthetic:
        click.echo(SYNTHETIC_NOTE)
    click.echo(f"{row.name} ({row.code}), {run.quarter.label}: segment {row.segment} "
               f"(delivery score {row.delivery_segment}; average {row.raw}; "
               f"rank {row.rank} of the {row.org_type.replace('_', '-')} league, "
               f"likely {row.rank_low}-{row.rank_high})")  # fmt: skip
    if row.capped:
        click.echo("Deficit cap applied: segment 1 or 2 becomes 3 (nof.finance.deficit_cap).")
    for note in row.notes:
        click.echo(note)
    emit(
        [
            {
                "metric": m.metric.name,
                "domain": m.metric.domain,
                "value": m.shown,
                "score": f"{m.score:.2f}" if m.score else "excluded",
                "source": m.source,
            }
            for m in row.metrics
        ],
        ("metric", "domain", "value", "score", "source"),
        "table",
        title="Metric scores (1 best, 4 worst; 0 = not available, excluded)",
    )
    domains = ", ".join(f"{DOMAINS[d]} {v:.2f}" for d, v in row.domains.items() if v is not None)
    click.echo(f"Domain scores (context only): {domains}")
    click.echo(f"To move up: {row.move.text}")
    click.echo(f"Rules: {' '.join(row.rules)}")


@nof.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def metrics(fmt: str) -> None:
    """The metric catalogue: id, name, domain, direction, standard/floor, types, source."""
    rows = [m.row() for m in load_catalogue()]
    columns = ("id", "name", "domain", "direction", "standard_or_floor", "threshold", "unit",
               "org_types", "indicator", "basis", "source")  # fmt: skip
    emit(rows, columns if fmt != "table" else columns[:-1], fmt)


@nof.command("demo-inputs")
@click.option("--quarter", "quarters", multiple=True, required=True,
              help="Quarter(s) to generate, e.g. --quarter 2025Q1 --quarter 2025Q2.")  # fmt: skip
def demo_inputs(quarters: tuple[str, ...]) -> None:
    """Write the demo's synthetic values of the metrics its indicators do not carry.

    Only on the synthetic demo database, only for its fictional trusts; labelled synthetic.
    """
    from specialmeasures.regime.nof_service import load_demo_inputs

    parsed = [Quarter.parse(q) for q in quarters]
    platform = open_platform()
    try:
        meta = platform.repository.meta()
        if meta.get("synthetic") != "true":
            raise InputError("not the synthetic demo database: refusing to write synthetic values")
        written = load_demo_inputs(platform.repository, parsed, int(meta.get("seed", "2013")))
    finally:
        platform.close()
    click.echo(f"wrote {written} synthetic metric values for {', '.join(q.code for q in parsed)}")


@nof.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="specialmeasures nof import", show_default=True)
@importer_option(Action.DATA_IMPORT)
def import_command(file: Path, actor: str) -> None:
    """Import metric values for a quarter (CSV: quarter, provider_code, metric_id, value, source)."""
    from specialmeasures.ingest.nof_inputs import import_nof_inputs

    platform = open_platform()
    try:
        n = import_nof_inputs(platform.repository, file, actor=actor,
                              at=datetime.now(UTC).replace(tzinfo=None))  # fmt: skip
    finally:
        platform.close()
    click.echo(
        f"{file}: {n} values imported" if n else f"{file}: already imported; nothing changed"
    )


COMMANDS = [nof]
