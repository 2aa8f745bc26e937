"""``specialmeasures watchlist``: the confidential early-warning watch list as of a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from specialmeasures.cli._context import DateParam, open_platform
from specialmeasures.cli._tables import _atomic
from specialmeasures.domain.errors import InputError
from specialmeasures.monitoring import CONFIDENTIAL_BANNER, screen
from specialmeasures.monitoring.export import to_csv, to_json, write_xlsx

__all__ = ["COMMANDS", "watchlist"]

TABLE_COLUMNS = ("band", "code", "name", "system", "score", "elevated_risks", "risks",
                 "ew_band", "reason")  # fmt: skip


@click.command()
@click.option("--as-of", type=DateParam(), required=True, help="Screen as of this date.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"], case_sensitive=False),
    default="table", show_default=True,
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write to this file (required for xlsx) instead of standard output.",
)  # fmt: skip
@click.option("--limit", type=int, default=None, help="Show only the first N providers (table).")
def watchlist(as_of: date, fmt: str, output: Path | None, limit: int | None) -> None:
    """The CONFIDENTIAL early-warning watch list: every indicator of every provider through SPC,
    funnel, CUSUM and peer z-scores; scored and banded 1 (highest priority) to 6 as CQC
    Intelligent Monitoring did (trusts in special measures are band 1), with system roll-up and
    workforce/culture balancing measures. Regulator use only."""
    fmt = fmt.lower()
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE.xlsx")
    platform = open_platform()
    try:
        result = screen(platform.repository, as_of)
    except InputError as error:
        raise click.ClickException(str(error)) from None
    finally:
        platform.close()
    if fmt == "xlsx":
        assert output is not None
        write_xlsx(result, output)
        click.echo(f"{CONFIDENTIAL_BANNER}\nwrote {output}", err=True)
        return
    if fmt in ("csv", "json"):
        text = to_csv(result) if fmt == "csv" else to_json(result)
        if output is None:
            click.echo(text, nl=False)
        else:
            _atomic(output, lambda handle: handle.write(text))
            click.echo(f"{CONFIDENTIAL_BANNER}\nwrote {output}", err=True)
        return
    console = Console(soft_wrap=False, width=max(140, Console().width))
    console.print(f"[bold red]{CONFIDENTIAL_BANNER}[/]", highlight=False)
    title = (
        f"Watch list as of {result.as_of.isoformat()} (data through {result.data_through:%b %Y})"
    )
    if result.label:
        title += f" — {result.label}"
    table = Table(title=title, header_style="bold")
    for c in TABLE_COLUMNS:
        table.add_column(c.replace("_", " "))
    rows = result.provider_rows()
    for r in rows[:limit] if limit else rows:
        table.add_row(*(str(r[c]) for c in TABLE_COLUMNS))
    console.print(table)
    high = sum(1 for s in result.systems if s.high_priority)
    console.print(f"{high} local systems have at least one provider in bands 1-2.", highlight=False)


COMMANDS = [watchlist]
