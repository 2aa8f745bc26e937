"""``specialmeasures watchlist``: the confidential early-warning watch list as of a date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from specialmeasures.cli._context import DateParam, open_platform
from specialmeasures.cli._progress import quiet_option, working
from specialmeasures.cli._tables import _atomic
from specialmeasures.domain.errors import InputError
from specialmeasures.monitoring import CONFIDENTIAL_BANNER, screen
from specialmeasures.monitoring.export import to_csv, to_json, write_xlsx
from specialmeasures.monitoring.validation import validate_store

__all__ = ["COMMANDS", "validate_early_warning", "watchlist"]

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
@quiet_option
def watchlist(as_of: date, fmt: str, output: Path | None, limit: int | None, quiet: bool) -> None:
    """The CONFIDENTIAL early-warning watch list: every indicator of every provider through SPC,
    funnel, CUSUM and peer z-scores; scored and banded 1 (highest priority) to 6 as CQC
    Intelligent Monitoring did (trusts in special measures are band 1), with system roll-up and
    workforce/culture balancing measures. Regulator use only."""
    fmt = fmt.lower()
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE.xlsx")
    platform = open_platform()
    try:
        with working("Screening every provider and indicator", quiet=quiet):
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


@click.command("validate-early-warning")
@click.option(
    "--from", "start", type=DateParam(), default=None, help="First month (default 2014-07)."
)
@click.option(
    "--to", "end", type=DateParam(), default=None, help="Last month (default: latest data)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@quiet_option
def validate_early_warning(start: date | None, end: date | None, fmt: str, quiet: bool) -> None:
    """Check the watch list against the synthetic truth: sensitivity to latent deteriorations,
    false alarms per provider-year, median detection delay, and lead time before SMQ entry."""
    platform = open_platform()
    try:
        with working("Screening month by month", quiet=quiet):
            report = validate_store(platform.repository, start, end)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        platform.close()
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    lead = data["smq_lead_time"]
    click.echo(CONFIDENTIAL_BANNER)
    click.echo(
        f"Early warning, {data['from']} to {data['to']}: {data['providers']} providers x "
        f"{data['months']} months, screened in {data['seconds']} s"
    )
    click.echo(
        f"  sensitivity: {data['detected']} of {data['spells']} latent deteriorations flagged "
        f"({data['sensitivity']:.0%}); median detection delay {data['median_detection_delay_months']} months"
    )
    click.echo(
        f"  false alarms: {data['false_alarms']} in {data['provider_years']} provider-years "
        f"({data['false_alarms_per_provider_year']} per provider-year); "
        f"{data['share_of_provider_months_flagged']:.1%} of provider-months flagged"
    )
    click.echo(
        f"  SMQ entries: {lead['flagged_before_entry']} of {lead['entries']} flagged beforehand; "
        f"lead time median {lead['lead_months_median']} months (IQR {lead['lead_months_q1']}-"
        f"{lead['lead_months_q3']}); >= 6 months: {lead['lead_at_least_6']}, "
        f">= 12 months: {lead['lead_at_least_12']}"
    )
    click.echo(
        "  lead-time distribution (months: trusts): "
        + ", ".join(f"{k}: {v}" for k, v in lead["histogram"].items())
    )


COMMANDS = [watchlist, validate_early_warning]
