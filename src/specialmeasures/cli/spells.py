"""``specialmeasures spells``: SMQ, CP, RSP and Provider Improvement Programme episodes read as
one history of support, each spell with its regimes named (evaluation/spells.py)."""

from __future__ import annotations

from datetime import date

import click

from specialmeasures.cli._context import DateParam, emit, open_platform

__all__ = ["COMMANDS", "spells"]

CONFIDENTIAL = "CONFIDENTIAL (includes the CP list; --public leaves it out)"


@click.command()
@click.option("--as-of", type=DateParam(), default=None, help="Known on this day (default today).")
@click.option("--gap-days", type=click.IntRange(0, 366), default=31, show_default=True,
              help="An episode starting within this many days of a spell's end continues it.")  # fmt: skip
@click.option("--public", is_flag=True, help="Leave out the confidential CP list.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def spells(as_of: date | None, gap_days: int, public: bool, fmt: str) -> None:
    """Spells of support across regimes (SMQ -> RSP in July 2021 reads as one spell)."""
    from specialmeasures.evaluation.history import load_histories
    from specialmeasures.evaluation.spells import spell_rows

    day = as_of or date.today()
    platform = open_platform()
    try:
        rows = spell_rows(load_histories(platform.repository), day, gap_days=gap_days,
                          include_confidential=not public)  # fmt: skip
    finally:
        platform.close()
    if not public and fmt == "table":
        click.echo(CONFIDENTIAL)
    emit(rows, ("provider_code", "name", "spell", "start", "end", "months", "regimes",
                "confidential", "detail"), fmt, title=f"Spells of support as of {day}")  # fmt: skip


COMMANDS = [spells]
