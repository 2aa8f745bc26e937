"""``specialmeasures returns``: the OAG, the items each body needs, the one monthly return."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.oversight import Body
from specialmeasures.ingest.validation import DateWindow

BODIES = click.Choice([b.value for b in Body])


@click.group()
def returns() -> None:
    """Oversight and Assurance Group: members, requested items, ONE monthly return."""


@returns.command("member")
@click.argument("code")
@click.option("--body", type=BODIES, required=True)
@click.option("--name", required=True)
@actor_options(Action.INTERVENTION_RECORD)
def member(code: str, body: str, name: str, **who: str) -> None:
    """Add a member from a named body to trust CODE's OAG."""
    from specialmeasures.interventions import returns as service

    platform = open_platform()
    try:
        service.add_member(platform.repository, code, body, name,
                           actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"{name} ({Body(body).label}) joins {code}'s OAG")


@returns.command("request")
@click.argument("code")
@click.option("--body", type=BODIES, required=True)
@click.option("--item", "items", multiple=True, required=True, help="Repeatable.")
@actor_options(Action.INTERVENTION_RECORD)
def request(code: str, body: str, items: tuple[str, ...], **who: str) -> None:
    """Declare the items BODY needs from trust CODE every month."""
    from specialmeasures.interventions import returns as service

    platform = open_platform()
    try:
        added = service.request_items(platform.repository, code, body, list(items),
                                      actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"{added} item(s) requested by {Body(body).label}")


@returns.command("submit")
@click.argument("code")
@click.option("--period", type=DateParam(), required=True, help="YYYY-MM.")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="JSON object: item -> value.")  # fmt: skip
@actor_options(Action.RETURN_SUBMIT)
def submit(code: str, period: date, path: Path, **who: str) -> None:
    """Submit trust CODE's ONE return for a month."""
    from specialmeasures.interventions import returns as service

    submitted = service.read_return(path, code, period)
    platform = open_platform()
    try:
        acting = actor(who["actor"], who["role"], who["rationale"])
        window = DateWindow.from_settings(platform.settings, acting.at.date())
        new_id = service.submit_return(platform.repository, submitted, acting, window)
    finally:
        platform.close()
    click.echo(f"return {new_id}: {code} {period.isoformat()[:7]} ({len(submitted.values)} items)")


@returns.command("report")
@click.argument("code")
@click.option("--period", type=DateParam(), required=True)
@click.option("--body", type=BODIES, required=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def report(code: str, period: date, body: str, fmt: str) -> None:
    """BODY's report, cut from trust CODE's one return."""
    from specialmeasures.interventions import returns as service

    platform = open_platform()
    try:
        rows = service.report_for(platform.repository, code, period, body)
    finally:
        platform.close()
    emit(
        rows,
        ["item", "value"],
        fmt,
        title=f"{code} {period.isoformat()[:7]} for {Body(body).label}",
    )


@returns.command("burden")
@click.argument("code")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def burden(code: str, fmt: str) -> None:
    """Items requested across bodies vs unique items collected once (the saving)."""
    from specialmeasures.interventions import returns as service

    platform = open_platform()
    try:
        b = service.burden_report(platform.repository, code)
    finally:
        platform.close()
    rows: list[dict[str, object]] = [
        {"measure": f"requested by {body.label}", "value": n} for body, n in b.by_body.items()
    ]
    rows += [
        {"measure": "items requested across bodies", "value": b.requested},
        {"measure": "unique items collected in one return", "value": b.unique},
        {"measure": "saving (item reports not duplicated)", "value": b.saving},
        {"measure": "saving percent", "value": b.saving_percent},
    ]
    emit(rows, ["measure", "value"], fmt)


COMMANDS = [returns]
