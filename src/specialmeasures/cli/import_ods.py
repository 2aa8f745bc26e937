"""``specialmeasures import ods``: the ODS NHS trusts register (a subcommand of ``import``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from specialmeasures.cli._context import open_platform
from specialmeasures.cli.ingest import default_actor, import_group
from specialmeasures.ingest.ods import OdsReport, import_ods

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
def ods(file: Path, actor: str | None) -> None:
    """Import the ODS NHS trusts register (etr file, either published layout).

    Creates the trusts not yet in the register and updates the others (name, NHS England region,
    ICB, open and close dates). Import older snapshots first: a trust that has gone from a newer
    snapshot stays in the register. A bad row names the file, row, column and value, and changes
    nothing.
    """
    platform = open_platform(upgrade=True)
    try:
        result = import_ods(
            platform.repository, file, actor=actor or default_actor(), at=datetime.now(UTC)
        )
    finally:
        platform.close()
    for line in describe_ods(result):
        click.echo(line)


#: The command is registered on the ``import`` group above; nothing to add at the top level.
COMMANDS: list[click.Command] = []
