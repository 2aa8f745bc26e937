"""``decide``, ``timeline``, ``evaluate`` and ``judgement``: the regime life cycle at the command line.

Thin: each command parses its options, calls the regime service and prints the result. Domain
errors (an illegal transition, an unknown provider, a bad value) reach the root as one line.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import account_role, actor_options
from specialmeasures.cli._context import DateParam, emit, open_platform
from specialmeasures.domain import Regime

_REGIMES = click.Choice([r.value for r in Regime], case_sensitive=False)
_TEXT_JSON = click.Choice(["text", "json"], case_sensitive=False)


def _today() -> date:
    return datetime.now(UTC).date()


@click.command()
@click.argument("code")
@click.option("--transition", "name", required=True, help="e.g. enter, reinspect, exit.")
@click.option("--regime", type=_REGIMES, default="smq", show_default=True)
@actor_options(Action.DECISION_RECORD)
@click.option(
    "--recommendation",
    "ref",
    default=None,
    help="The recommendation this accepts or overrides (a reference from `evaluate`).",
)
@click.option("--overridden", is_flag=True, help="The decision goes against the recommendation.")
@click.option("--on", "on", type=DateParam(), default=None, help="Effective date (default today).")
def decide(
    code: str,
    name: str,
    regime: str,
    actor: str,
    role: str,
    rationale: str,
    ref: str | None,
    overridden: bool,
    on: date | None,
) -> None:
    """Record a life-cycle decision for provider CODE, with its audit row, all or nothing."""
    from specialmeasures.regime import record_decision

    platform = open_platform()
    try:
        done = record_decision(
            platform.repository,
            provider_code=code,
            regime=Regime(regime.lower()),
            transition=name,
            actor=actor,
            role=role,
            rationale=rationale,
            on=on or _today(),
            recorded_at=datetime.now(UTC),
            recommendation_ref=ref,
            overridden=overridden,
            account_role=account_role(),
        )
    finally:
        platform.close()
    click.echo(done.line())


@click.command()
@click.argument("code")
@click.option("--as-of", "as_of", type=DateParam(), default=None, help="Default: today.")
@click.option("--regime", type=_REGIMES, default="smq", show_default=True)
@click.option("--format", "fmt", type=_TEXT_JSON, default="text", show_default=True)
def timeline(code: str, as_of: date | None, regime: str, fmt: str) -> None:
    """Provider CODE's time in the regime, re-inspection due/overdue, maximum stay, re-entries."""
    from specialmeasures.regime import provider_timeline
    from specialmeasures.regime.views import jsonable

    platform = open_platform()
    try:
        result = provider_timeline(
            platform.repository, code, as_of or _today(), regime=Regime(regime.lower())
        )
    finally:
        platform.close()
    if fmt.lower() == "json":
        click.echo(json.dumps(jsonable(asdict(result)), indent=2))
    else:
        click.echo("\n".join(result.lines()))


@click.command()
@click.argument("code")
@click.option("--as-of", "as_of", type=DateParam(), default=None, help="Default: today.")
@click.option(
    "--policy",
    "policies",
    multiple=True,
    help="Policy id (repeatable); default: smq-2013 and cp.",
)
@click.option("--format", "fmt", type=_TEXT_JSON, default="text", show_default=True)
def evaluate(code: str, as_of: date | None, policies: tuple[str, ...], fmt: str) -> None:
    """Recommendations for provider CODE as of a date, with their reasons. Writes nothing."""
    from specialmeasures.regime import evaluate_provider

    platform = open_platform()
    try:
        result = evaluate_provider(
            platform.repository, code, as_of or _today(), policy_ids=list(policies) or None
        )
    finally:
        platform.close()
    if fmt.lower() == "json":
        click.echo(json.dumps(result.as_data(), indent=2))
    else:
        click.echo("\n".join(result.lines()))


@click.group(name="judgement")
def judgement_group() -> None:
    """Judgements only a person can make (e.g. leadership cannot fix it without support)."""


@judgement_group.command(name="add")
@click.argument("code")
@click.option("--fact", required=True, help="e.g. leadership_cannot_fix (judgement. optional).")
@click.option("--value", required=True, help="true/false, a number or text.")
@actor_options(Action.JUDGEMENT_RECORD)
@click.option("--on", "on", type=DateParam(), default=None, help="In force from (default today).")
def judgement_add(
    code: str, fact: str, value: str, actor: str, role: str, rationale: str, on: date | None
) -> None:
    """Record a judgement about provider CODE, with its audit row."""
    from specialmeasures.regime import enter_judgement

    platform = open_platform()
    try:
        done = enter_judgement(
            platform.repository,
            provider_code=code,
            fact=fact,
            value=value,
            actor=actor,
            role=role,
            rationale=rationale,
            on=on or _today(),
            recorded_at=datetime.now(UTC),
            account_role=account_role(),
        )
    finally:
        platform.close()
    click.echo(done.line())


@judgement_group.command(name="list")
@click.argument("code")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True,
)  # fmt: skip
def judgement_list(code: str, fmt: str) -> None:
    """Provider CODE's judgements, oldest first."""
    from specialmeasures.regime.judgements import list_judgements

    platform = open_platform()
    try:
        items = list_judgements(platform.repository, code)
    finally:
        platform.close()
    emit(
        [
            {
                "id": j.id,
                "fact": f"judgement.{j.name}",
                "value": j.value,
                "entered_on": j.entered_on,
                "entered_by": j.entered_by,
                "rationale": j.rationale,
            }
            for j in items
        ],
        ("id", "fact", "value", "entered_on", "entered_by", "rationale"),
        fmt,
        title=f"Judgements about {code}",
    )


COMMANDS = [decide, timeline, evaluate, judgement_group]
