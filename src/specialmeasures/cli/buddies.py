"""``specialmeasures buddies``: suggest buddy providers and record arrangements."""

from __future__ import annotations

from datetime import date

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.buddying import ArrangedBy, BuddyArrangement, BuddyScope

SCOPES = click.Choice([s.value for s in BuddyScope])


@click.group()
def buddies() -> None:
    """Buddying (peer improvement): explained suggestions and arrangements."""


@buddies.command("suggest")
@click.argument("code")
@click.option("--scope", type=SCOPES, default="trust-wide", show_default=True)
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--top", type=int, default=10, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Include ineligible candidates.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def suggest(code: str, scope: str, as_of: date | None, top: int, show_all: bool, fmt: str) -> None:
    """Rank candidate buddies for trust CODE, each score explained."""
    from specialmeasures.interventions import buddies as service

    platform = open_platform()
    try:
        found = service.suggest_buddies(platform.repository, code, scope=scope,
                                        as_of=as_of or date.today())  # fmt: skip
    finally:
        platform.close()
    if not show_all:
        found = [c for c in found if c.eligible]
    rows = [
        {
            "buddy": c.provider.code,
            "name": c.provider.name,
            "score": c.score,
            "eligible": "yes" if c.eligible else "no",
            "km": None if c.distance_km is None else round(c.distance_km),
            "why": c.explain(),
        }
        for c in found[:top]
    ]
    emit(rows, ["buddy", "name", "score", "eligible", "km", "why"], fmt)


@buddies.command("record")
@click.argument("code")
@click.argument("buddy")
@click.option("--scope", type=SCOPES, default="trust-wide", show_default=True)
@click.option("--arranged-by", type=click.Choice([a.value for a in ArrangedBy]), required=True)
@click.option("--start", type=DateParam(), required=True)
@click.option("--end", type=DateParam(), default=None)
@click.option("--review", type=DateParam(), default=None)
@click.option("--mou", type=DateParam(), default=None, help="Date of the MoU.")
@click.option("--paid/--unpaid", default=False, show_default=True)
@actor_options(Action.INTERVENTION_RECORD)
def record(
    code: str, buddy: str, scope: str, arranged_by: str, start: date, end: date | None,
    review: date | None, mou: date | None, paid: bool, **who: str,
) -> None:  # fmt: skip
    """Record that BUDDY buddies trust CODE."""
    from specialmeasures.interventions import buddies as service

    platform = open_platform()
    try:
        new_id = service.record_arrangement(
            platform.repository,
            BuddyArrangement(code, buddy, BuddyScope(scope), ArrangedBy(arranged_by), start,
                             paid, mou, review, end),
            actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"buddy arrangement {new_id}: {buddy} buddies {code} ({scope}) from {start}")


COMMANDS = [buddies]
