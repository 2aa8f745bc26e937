"""``specialmeasures real``: build the real-England database from published files, and serve it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.cli._context import open_platform

if TYPE_CHECKING:
    from specialmeasures.ingest.real_england import RealBuildReport


def _closed(line: str) -> str:
    """A line that introduced a list no longer shown ends with a full stop instead."""
    return line[:-1] + "." if line.endswith(":") else line


def _summary(report: RealBuildReport) -> list[str]:
    from specialmeasures.cli.import_register import (
        describe_ods,
        describe_public_record,
        describe_successors,
    )

    lines: list[str] = []
    for ods in report.ods:
        # The first lines only: the changes themselves are in the audit log.
        lines += [
            line.removesuffix(":") + ("." if line.endswith(":") else "")
            for line in describe_ods(ods)[:3]
        ]
    if report.successors is not None:
        lines += describe_successors(report.successors)[:1]
    if report.gone_undated:
        lines.append(
            "Gone from the newer register snapshot with no close date or successor on record "
            "(still shown open; add them to ods_successors.csv once reviewed): "
            + ", ".join(f"{code} {name}" for code, name in sorted(report.gone_undated.items()))
        )
    if report.public_record is not None:
        record = describe_public_record(report.public_record, each_episode=False)
        lines += [*record[:-1], _closed(record[-1])]
    new = [r for r in report.ae if not r.already_imported]
    lines.append(
        f"A&E statistics: {len(new)} files imported, {len(report.ae) - len(new)} already imported"
        + (
            f"; {sum(r.observations_written for r in new):,} per-trust indicator values derived."
            if new
            else "."
        )
    )
    return lines


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/real"),
    show_default=True,
    help="Folder of the vendored published files (ods/, ae-2016-2019/, ae-monthly-2024-2025/).",
)
@click.option("--no-serve", is_flag=True, help="Build the database and stop.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--actor", default=None, help="Who is importing (default: the OS user name).")
def real(data_dir: Path, no_serve: bool, host: str, port: int, actor: str | None) -> None:
    """Build the real-England database from published data and serve the web app.

    Imports the ODS trusts register (older then newer snapshot), the reviewed successors, the
    public SMQ record and NHS England's A&E statistics from --data into the database named by
    SPECIALMEASURES_DATABASE_URL (never the synthetic demo's: that is refused), labels it as
    real, published data, and serves it unless --no-serve is given. Running it again imports
    nothing twice.
    """
    from specialmeasures.cli.ingest import default_actor
    from specialmeasures.cli.serve import accounts_then_serve
    from specialmeasures.ingest.real_england import build_real

    platform = open_platform(upgrade=True)
    try:
        report = build_real(
            platform.repository,
            data_dir,
            actor=actor or default_actor(),
            at=datetime.now(UTC),
            progress=lambda message: click.echo(f"- {message}", err=True),
        )
        for line in _summary(report):
            click.echo(line)
        accounts_then_serve(platform, "Local accounts", no_serve=no_serve, host=host, port=port)
    finally:
        platform.close()


COMMANDS = [real]
