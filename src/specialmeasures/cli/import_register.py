"""``specialmeasures import ods | successors | smq-record``: the real register and the public
SMQ record (subcommands of ``import``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import open_platform
from specialmeasures.cli.ingest import import_group

if TYPE_CHECKING:
    from specialmeasures.ingest.ods import OdsReport
    from specialmeasures.ingest.public_record import PublicRecordReport
    from specialmeasures.ingest.successors import SuccessorReport

#: Updated trusts listed one per line; the rest are counted (the audit log has them all).
SHOWN_UPDATES = 20


def describe_ods(r: OdsReport) -> list[str]:
    """The lines the command prints about one register import."""
    if r.already_imported:
        when = f" on {r.previous_import_at:%Y-%m-%d %H:%M}" if r.previous_import_at else ""
        return [
            f"Already imported: {r.file} (sha256 {r.sha256[:12]}) was imported as import "
            f"#{r.import_id}{when}; nothing changed."
        ]
    created = f": {', '.join(r.created)}" if 0 < len(r.created) <= 12 else ""
    lines = [
        f"Read {r.rows_read:,} rows from {r.file} ({r.layout}, sha256 {r.sha256[:12]}).",
        f"Created {len(r.created)} trusts{created}.",
        f"Updated {len(r.updated)} trusts" + (":" if r.updated else "."),
    ]
    for code, changes in list(r.updated.items())[:SHOWN_UPDATES]:
        lines.append(f"  {code}  " + "; ".join(changes))
    if len(r.updated) > SHOWN_UPDATES:
        lines.append(
            f"  ... and {len(r.updated) - SHOWN_UPDATES} more (every change is in the audit log)"
        )
    skipped = sum(r.skipped.values())
    lines.append(f"Skipped {skipped:,} rows" + (":" if skipped else "."))
    for reason, count in sorted(r.skipped.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:>8,}  {reason}")
    lines.append(f"Recorded as import #{r.import_id} in the imports table and the audit log.")
    return lines


@import_group.command(name="ods")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--actor", default=None, help="Who is importing (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def ods(file: Path, actor: str | None) -> None:
    """Import the ODS NHS trusts register (etr file, either published layout).

    Creates the trusts not yet in the register and updates the others (name, NHS England region,
    ICB, open and close dates). Import older snapshots first: a trust that has gone from a newer
    snapshot stays in the register. A bad row names the file, row, column and value, and changes
    nothing.
    """
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest.ods import import_ods

    platform = open_platform(upgrade=True)
    try:
        result = import_ods(
            platform.repository, file, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    for line in describe_ods(result):
        click.echo(line)


def describe_successors(r: SuccessorReport) -> list[str]:
    if r.already_loaded:
        return [
            f"Already loaded: {r.file} (sha256 {r.sha256[:12]}) is the successors table "
            f"(import #{r.import_id}); nothing changed."
        ]
    lines = [f"Loaded {r.entries} successions from {r.file} (import #{r.import_id})."]
    if r.closed:
        lines.append(
            f"Close dates set for {len(r.closed)} trusts that had none (the day before their "
            "successor took over): "
            + ", ".join(f"{code} {day.isoformat()}" for code, day in r.closed.items())
        )
    for code, (ods, implied) in r.disagreements.items():
        lines.append(
            f"Note: {code} has ODS close date {ods.isoformat()}, the successors file implies "
            f"{implied.isoformat()}; the ODS date is kept."
        )
    if r.not_in_register:
        lines.append("Codes not in the register: " + ", ".join(r.not_in_register))
    return lines


@import_group.command(name="successors")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--actor", default=None, help="Who is loading (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def successors(file: Path | None, actor: str | None) -> None:
    """Load the reviewed mergers and successors of trusts (default: the file shipped in the
    package, ods_successors.csv), replacing the stored ones; date the closure of predecessors
    the register holds without a close date."""
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest.successors import (
        load_successors,
        packaged_successors,
        read_successors,
    )

    source = packaged_successors() if file is None else read_successors(file)
    platform = open_platform(upgrade=True)
    try:
        report = load_successors(
            platform.repository, source, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    for line in describe_successors(report):
        click.echo(line)


def describe_public_record(r: PublicRecordReport, *, each_episode: bool = True) -> list[str]:
    m = r.matching
    lines = [
        f"Public SMQ record {r.record_file}: {r.events} events about "
        f"{len(m.mapped) + len(m.unmatched)} trusts; {len(m.mapped)} mapped to ODS codes "
        f"through {r.mapping_file}, {len(m.unmatched)} unmatched."
    ]
    if m.unmatched:
        lines.append("Unmatched (not loaded; never guessed):")
        for name, reason in m.unmatched.items():
            lines.append(f"  {name}: {reason}")
    if r.already_loaded:
        lines.append(
            f"Already loaded as import #{r.import_id}: {len(r.episodes)} episodes; nothing changed."
        )
        return lines
    replaced = f", replacing {r.replaced} earlier ones" if r.replaced else ""
    lines.append(f"Loaded {len(r.episodes)} episodes{replaced} (import #{r.import_id}, audit log):")
    for e in r.episodes if each_episode else ():
        end = e.end.isoformat() if e.end else "open"
        lines.append(
            f"  {e.provider_code:<5} {e.regime.upper():<4} {e.start.isoformat()} "
            f"({e.start_precision}) to {end}: {e.end_basis}"
        )
    return lines


@import_group.command(name="smq-record")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Reviewed name-to-code mapping (default: smq_trust_codes.csv shipped in the package).",
)
@click.option("--actor", default=None, help="Who is loading (default: the OS user name).")
@importer_option(Action.DATA_IMPORT)
def smq_record(file: Path | None, mapping_file: Path | None, actor: str | None) -> None:
    """Load the public SMQ record (default: the copy shipped in the package) into the register.

    Joins its trust names to ODS codes through the reviewed mapping, lists every name left
    unmatched with the reason, and stores the SMQ and RSP episodes of the matched trusts as the
    public record, with the precision of their published dates. Import the ODS register first.
    """
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.ingest.public_record import (
        load_public_record,
        packaged_trust_codes,
        read_trust_codes,
    )
    from specialmeasures.ingest.real_record import packaged_record, read_record

    record = packaged_record() if file is None else read_record(file)
    codes = packaged_trust_codes() if mapping_file is None else read_trust_codes(mapping_file)
    platform = open_platform(upgrade=True)
    try:
        report = load_public_record(
            platform.repository, record, codes, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    for line in describe_public_record(report):
        click.echo(line)


#: The commands are registered on the ``import`` group above; nothing to add at the top level.
COMMANDS: list[click.Command] = []
