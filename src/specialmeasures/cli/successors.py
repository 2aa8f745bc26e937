"""``specialmeasures successors``: the reviewed mergers and successors stored in the register."""

from __future__ import annotations

from datetime import date

import click

from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain import NotFoundError

COLUMNS = ("predecessor", "successor", "effective_date", "kind", "verified_from")


@click.command()
@click.argument("code")
@click.option(
    "--as-of",
    type=DateParam(),
    default=None,
    help="Also say which trust(s) held CODE's services on this date, following the chain.",
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def successors(code: str, as_of: date | None, fmt: str) -> None:
    """The mergers CODE took part in (as predecessor or successor), from the reviewed
    successors file loaded with 'import successors'."""
    from specialmeasures.ingest.successors import successor_on
    from specialmeasures.register.public_record import successions

    platform = open_platform()
    try:
        repo = platform.repository
        rows = successions(repo, code.upper())
        if not rows:
            try:
                repo.provider(code.upper())
            except NotFoundError:
                raise NotFoundError("provider or predecessor", code) from None
        emit(rows, COLUMNS, fmt, title=f"Successions of {code.upper()}")
        if as_of is not None and fmt == "table":
            held = ", ".join(successor_on(repo, code.upper(), as_of))
            click.echo(f"On {as_of.isoformat()}, {code.upper()}'s services were held by {held}.")
    finally:
        platform.close()


COMMANDS = [successors]
