"""``specialmeasures import ae`` and ``import observations``: NHS England's monthly A&E files and
any tidy file of one indicator, added to the ``import`` group of ``cli/ingest.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import open_platform
from specialmeasures.cli.ingest import import_group
from specialmeasures.domain import InputError
from specialmeasures.domain.indicator import IndicatorKind, Polarity

if TYPE_CHECKING:
    from specialmeasures.ingest.ae_import import AeImportReport
    from specialmeasures.ingest.tidy_observations import TidyReport

__all__ = ["COMMANDS", "describe_ae", "describe_tidy"]


@import_group.command(name="ae")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--refresh",
    is_flag=True,
    help="Derive the per-trust A&E indicators again for the trusts now in the register "
    "(after importing the register); may be given without files.",
)
@click.option("--actor", default=None, help="Who is importing (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def ae(files: tuple[Path, ...], refresh: bool, actor: str | None) -> None:
    """Import NHS England's monthly A&E statistics: published CSVs (Monthly-AE-*.csv) or the tidy
    layout (period, org_code, type, attendances, breaches, admissions), told apart by header.

    Files are imported in the order given, each in its own transaction; a later import of a month
    replaces the earlier one (revised files). Every reporting organisation is kept for national
    totals; per-trust indicators are written for organisations in the providers register.
    """
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest.ae_import import import_ae, refresh_observations

    if not files and not refresh:
        raise InputError("name at least one A&E file (or give --refresh)")
    who = actor or default_actor()
    platform = open_platform(upgrade=True)
    try:
        for path in files:
            result = import_ae(platform.repository, path, actor=who, at=datetime.now(UTC))
            for line in describe_ae(result):
                click.echo(line)
        if refresh:
            written = refresh_observations(platform.repository, actor=who, at=datetime.now(UTC))
            click.echo(f"Derived {written:,} A&E indicator rows for trusts in the register.")
    finally:
        platform.close()


def describe_ae(r: AeImportReport) -> list[str]:
    """The lines ``import ae`` prints about one file."""
    if r.already_imported:
        when = f" on {r.previous_import_at:%Y-%m-%d %H:%M}" if r.previous_import_at else ""
        return [
            f"Already imported: {r.file} (sha256 {r.sha256[:12]}) was imported as import "
            f"#{r.import_id}{when}; nothing changed."
        ]
    months = (
        f"{r.months[0]:%Y-%m}"
        if len(r.months) == 1
        else f"{r.months[0]:%Y-%m} to {r.months[-1]:%Y-%m}"
    )
    lines = [
        f"Read {r.rows_read:,} rows from {r.file} ({r.layout} layout, sha256 {r.sha256[:12]}): "
        f"{r.organisation_months:,} organisation-months, {months}.",
        f"{r.organisations} reporting organisations, {r.trusts_in_register} of them in the "
        f"providers register; {len(r.not_in_register)} kept for national totals only.",
        "TOTAL row checked: the organisations sum to it in every column."
        if r.total_checked
        else "No TOTAL row to check.",
    ]
    if r.ignored_columns:
        lines.append(f"Columns not read: {', '.join(r.ignored_columns)}.")
    for rep in r.replaced:
        lines.append(
            f"Replaced {rep.period:%Y-%m}, previously from import #{rep.import_id} ({rep.file})."
        )
        if "revised" in rep.file.lower() and "revised" not in r.file.lower():
            lines.append(
                f"  Warning: {r.file} is not marked revised but replaced a revised file; the "
                "later import is the one in use (import the original before its revision)."
            )
    if r.indicators_added:
        lines.append(f"Indicators added: {', '.join(r.indicators_added)}.")
    lines.append(
        f"Wrote {r.observations_written:,} per-trust indicator rows. Recorded as import "
        f"#{r.import_id} in the imports table and the audit log."
    )
    return lines


@import_group.command(name="observations")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--indicator", "indicator_id", required=True, help="The indicator's id.")
@click.option("--name", default=None, help="Name of a new indicator.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in IndicatorKind]),
    default=None,
    help="Kind of a new indicator.",
)
@click.option(
    "--polarity", type=click.Choice([p.value for p in Polarity]), default=None,
    help="Improvement direction of a new indicator.",
)  # fmt: skip
@click.option("--unit", default=None, help="Unit of a new indicator.")
@click.option(
    "--category",
    type=click.Choice(["quality", "workforce_culture", "finance", "operations"]),
    default=None,
    help="Category of a new indicator.",
)
@click.option("--multiplier", type=float, default=None, help="Rate multiplier of a new indicator.")
@click.option("--description", default=None, help="Definition of a new indicator.")
@click.option("--actor", default=None, help="Who is importing (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def observations(
    file: Path,
    indicator_id: str,
    name: str | None,
    kind: str | None,
    polarity: str | None,
    unit: str | None,
    category: str | None,
    multiplier: float | None,
    description: str | None,
    actor: str | None,
) -> None:
    """Import a tidy CSV of one indicator: a period column (YYYY-MM or YYYY-MM-DD), a provider
    code column (provider_code or org_code) and numerator and denominator, or value (expected
    too for a ratio to expected). An unknown indicator is defined by --name, --kind, --polarity,
    --unit and --category. Rows of codes not in the register are skipped and counted.
    """
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest.tidy_observations import IndicatorSpec, import_observations

    spec = IndicatorSpec(
        id=indicator_id,
        name=name,
        kind=kind,
        polarity=polarity,
        unit=unit,
        category=category,
        multiplier=multiplier,
        description=description,
    )
    platform = open_platform(upgrade=True)
    try:
        result = import_observations(
            platform.repository, file, spec, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    for line in describe_tidy(result):
        click.echo(line)


def describe_tidy(r: TidyReport) -> list[str]:
    if r.already_imported:
        return [
            f"Already imported: {r.file} (sha256 {r.sha256[:12]}) for {r.indicator_id} was "
            f"imported as import #{r.import_id}; nothing changed."
        ]
    lines = [
        f"Read {r.rows_read:,} rows from {r.file} (sha256 {r.sha256[:12]}) for {r.indicator_id}"
        + (" (indicator added)." if r.indicator_added else "."),
        f"Wrote {r.written:,} observations ({r.replaced:,} of them replacing earlier values).",
    ]
    skipped = sum(r.skipped.values())
    lines.append(f"Skipped {skipped:,} rows" + (":" if skipped else "."))
    for reason, count in sorted(r.skipped.items()):
        lines.append(f"  {count:>8,}  {reason}")
    lines.append(f"Recorded as import #{r.import_id} in the imports table and the audit log.")
    return lines


# The commands join the existing ``import`` group; nothing new at the top level.
COMMANDS: list[click.Command] = []
