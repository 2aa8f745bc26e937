"""``specialmeasures watchlist``: the confidential early-warning watch list as of a date."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from specialmeasures.cli._choices import DECISION_GAP_MONTHS
from specialmeasures.cli._context import DateParam, open_platform
from specialmeasures.cli._progress import quiet_option, working
from specialmeasures.cli._tables import _atomic
from specialmeasures.demo.world import WORLDS
from specialmeasures.domain.errors import InputError

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
    from specialmeasures.monitoring import CONFIDENTIAL_BANNER, screen
    from specialmeasures.monitoring.export import to_csv, to_json, write_xlsx

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
@click.option("--world", type=click.Choice(list(WORLDS)), default=None,
              help="Generate synthetic countries in this world (base, null, realistic, ...) "
              "instead of reading the database.")  # fmt: skip
@click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Countries to generate with --world.")  # fmt: skip
@click.option("--first-seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--gap", type=click.IntRange(0, 23), default=DECISION_GAP_MONTHS, show_default=True,
              help="Months just before entry that do not count as warning (the trigger "
              "inspection's findings were known by then).")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@quiet_option
def validate_early_warning(
    start: date | None,
    end: date | None,
    world: str | None,
    seeds: int,
    first_seed: int,
    gap: int,
    fmt: str,
    quiet: bool,
) -> None:
    """Check the watch list against what happened: SMQ entries flagged beforehand beside the
    chance level (never-placed trusts flagged in the same months), the share of flags followed
    by entry (PPV), and, with a synthetic truth, sensitivity to latent deteriorations and false
    alarms per provider-year. Works on real data too (without the latent-truth measures)."""
    from specialmeasures.monitoring import CONFIDENTIAL_BANNER
    from specialmeasures.monitoring.warning import validate_store_warning, validate_world

    if world is not None:
        with working(f"Screening {seeds} generated countries", quiet=quiet):
            data = validate_world(
                WORLDS[world], seeds, first_seed=first_seed, start=start or date(2014, 7, 1),
                gap=gap,
            )  # fmt: skip
        if fmt == "json":
            click.echo(json.dumps(data, indent=2))
            return
        s = data["summary"]
        click.echo(CONFIDENTIAL_BANNER)
        click.echo(f"Early warning in the {world} world ({WORLDS[world].description}), "
                   f"seeds {data['seeds'][0]}-{data['seeds'][-1]}, from {data['from']}")  # fmt: skip
        _warning_lines(s, gap)
        click.echo(
            f"  latent deteriorations flagged: {s['spell_sensitivity']:.0%}; false alarms outside "
            f"any spell: {s['false_alarms_per_provider_year']:.3f} per provider-year"
        )
        return
    platform = open_platform()
    try:
        with working("Screening month by month", quiet=quiet):
            report, measures, first, last = validate_store_warning(
                platform.repository, start, end, gap=gap
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        platform.close()
    warning = measures.as_dict()
    data = report.to_dict() if report is not None else {"confidential": True}
    data.update({"from": first.isoformat(), "to": last.isoformat(), "gap_months": gap,
                 "warning": warning})  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, default=_plain))
        return
    click.echo(CONFIDENTIAL_BANNER)
    click.echo(f"Early warning, {first} to {last}")
    _warning_lines(warning, gap)
    if report is None:
        click.echo("  (no synthetic truth in this database: latent-deterioration measures need it)")
        return
    click.echo(
        f"  {data['providers']} providers x {data['months']} months, screened in "
        f"{data['seconds']} s"
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
    lead = data["smq_lead_time"]
    click.echo(
        f"  SMQ entries: {lead['flagged_before_entry']} of {lead['entries']} flagged up to the "
        f"entry month; lead time median {lead['lead_months_median']} months (IQR "
        f"{lead['lead_months_q1']}-{lead['lead_months_q3']}); >= 6 months: "
        f"{lead['lead_at_least_6']}, >= 12 months: {lead['lead_at_least_12']}"
    )


def _plain(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else str(value)


def _pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0%}"


def _warning_lines(s: dict[str, object], gap: int) -> None:
    def f(key: str) -> float:
        value = s[key]
        return float(value) if isinstance(value, int | float) else math.nan

    click.echo(
        f"  SMQ entries flagged in the 24 months before entry (not the last {gap}): "
        f"{s['entries_flagged_before']} of {s['entries']} ({_pct(f('sensitivity'))}); chance "
        f"level (never-placed trusts flagged in the same months): {_pct(f('chance_level'))}"
    )
    click.echo(
        f"  direct entries (not from the CP list): {s['direct_flagged_before']} of "
        f"{s['direct_entries']} ({_pct(f('direct_sensitivity'))}); chance level "
        f"{_pct(f('direct_chance_level'))}"
    )
    click.echo(
        f"  flags followed by SMQ entry within 24 months (PPV): {s['onsets_followed_by_entry']} "
        f"of {s['flag_onsets']} ({_pct(f('ppv'))}); median lead {s['median_lead_months']} months"
    )


COMMANDS = [watchlist, validate_early_warning]
