"""``specialmeasures providers`` and ``specialmeasures provider CODE``."""

from __future__ import annotations

import json
from datetime import date

import click

from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform

CONFIDENTIAL_HELP = "Also show confidential regimes (the CP list). Regulator use only."


@click.command()
@click.option(
    "--as-of", type=DateParam(), default=None, help="Date to answer as of (default: today)."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--type", "type_", default=None, help="Only providers of this type (e.g. acute).")
@click.option("--system", default=None, help="Only providers of this local health system.")
@click.option(
    "--regime", default=None, help="Only providers in this regime (smq, cp, rsp, smf, none)."
)
@click.option("--include-confidential", is_flag=True, help=CONFIDENTIAL_HELP)
def providers(
    as_of: date | None,
    fmt: str,
    type_: str | None,
    system: str | None,
    regime: str | None,
    include_confidential: bool,
) -> None:
    """List providers with their latest overall rating and regime status as of a date."""
    from specialmeasures.register import PROVIDER_LIST_COLUMNS, provider_list

    day = as_of or date.today()
    platform = open_platform()
    try:
        rows = provider_list(
            platform.repository,
            day,
            include_confidential=include_confidential,
            type_=type_,
            system=system,
            regime=regime,
        )
        meta = platform.repository.meta()
    finally:
        platform.close()
    title = f"Providers as of {day.isoformat()}"
    if meta.get("label"):
        title += f" — {meta['label']}"
    emit(rows, PROVIDER_LIST_COLUMNS, fmt, title=title)


@click.command()
@click.argument("code")
@click.option(
    "--as-of", type=DateParam(), default=None, help="Date to answer as of (default: today)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--include-confidential", is_flag=True, help=CONFIDENTIAL_HELP)
def provider(code: str, as_of: date | None, fmt: str, include_confidential: bool) -> None:
    """Show one provider: details, ratings in force and history, regime episodes."""
    from specialmeasures.register import provider_profile

    day = as_of or date.today()
    platform = open_platform()
    try:
        profile = provider_profile(
            platform.repository, code.upper(), day, include_confidential=include_confidential
        )
    finally:
        platform.close()
    if fmt == "json":
        click.echo(json.dumps(profile, indent=2))
        return
    p = profile["provider"]
    click.echo(f"{p['code']}  {p['name']}")
    if p["synthetic"]:
        click.echo("(synthetic demonstration data — fictional trust)")
    click.echo(
        f"{p['type_label']} · {p['setting'].replace('_', '-')} · {p['region']} · {p['system']}"
    )
    click.echo(f"\nRatings in force on {profile['as_of']}:")
    for question, value in profile["ratings_in_force"].items():
        label = question.replace("_", "-").capitalize()
        shown = f"{value['rating']} (published {value['published']})" if value else "not rated"
        click.echo(f"  {label:<12} {shown}")
    click.echo(f"\nInspections: {len(profile['inspections'])}")
    for i in profile["inspections"]:
        overall = i["ratings"].get("overall") or "-"
        click.echo(
            f"  inspected {i['inspection_date']}, published {i['publication_date']}: {overall}"
        )
    click.echo("\nRegime episodes:")
    if not profile["episodes"]:
        click.echo("  none")
    for e in profile["episodes"]:
        end = e["end"] or "ongoing"
        click.echo(
            f"  {e['regime_label']}: {e['start']} to {end} ({e['months']} months, {e['state']})"
        )


COMMANDS = [providers, provider]
