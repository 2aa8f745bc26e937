"""``specialmeasures funding``: NHSI funding applications, approval and spend."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain import InputError
from specialmeasures.domain.funding import FundingStage, SpendCategory


@click.group()
def funding() -> None:
    """NHSI improvement funding: apply within the policy's caps, approve, record spend."""


def _aims(texts: tuple[str, ...], amount: int) -> list[tuple[str, int]]:
    """``--aim TEXT`` (one aim takes the whole amount) or ``--aim TEXT=AMOUNT`` for several."""
    if len(texts) == 1 and "=" not in texts[0]:
        return [(texts[0], amount)]
    aims: list[tuple[str, int]] = []
    for text in texts:
        aim, _, value = text.rpartition("=")
        try:
            aims.append((aim.strip(), int(value.replace(",", ""))))
        except ValueError:
            raise InputError(
                "with several aims, write each as TEXT=AMOUNT", column="--aim", value=text
            ) from None
    if sum(a for _, a in aims) != amount:
        raise InputError(
            f"the aims' amounts add up to £{sum(a for _, a in aims):,}, not the £{amount:,}"
            " applied for",
            column="--aim",
        )
    return aims


def _application_trust(arguments: dict[str, Any]) -> str | None:
    """The trust of the application a command names (None if there is no such application)."""
    from specialmeasures.interventions import funding as service

    platform = open_platform()
    try:
        found = [
            v.application.provider_code
            for v in service.applications(platform.repository)
            if v.application.id == arguments.get("application_id")
        ]
    finally:
        platform.close()
    return found[0] if found else None


@funding.command("apply")
@click.argument("code")
@click.option("--stage", type=click.Choice([s.value for s in FundingStage]), required=True)
@click.option("--amount", type=int, required=True, help="Pounds.")
@click.option("--aim", "aims", multiple=True, required=True, help="Improvement aim (repeatable).")
@click.option("--on", "on", type=DateParam(), default=None, help="Date of application (today).")
@actor_options(Action.FUNDING_APPLY)
def apply(code: str, stage: str, amount: int, aims: tuple[str, ...], on: date | None,
          **who: str) -> None:  # fmt: skip
    """Apply for funding for trust CODE at a regime stage."""
    from specialmeasures.interventions import funding as service

    platform = open_platform()
    try:
        new_id = service.apply_for_funding(
            platform.repository, provider_code=code, stage=stage, aims=_aims(aims, amount),
            applied_on=on or date.today(), who=actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"application {new_id}: {code} {stage} £{amount:,}")


@funding.command("approve")
@click.argument("application_id", type=int)
@click.option("--amount", type=int, default=None, help="Approve part (default: all).")
@click.option("--on", "on", type=DateParam(), default=None)
@actor_options(Action.FUNDING_APPROVE, provider=None)
def approve(application_id: int, amount: int | None, on: date | None, **who: str) -> None:
    """Approve an application (role: Executive Medical Director)."""
    from specialmeasures.interventions import funding as service

    platform = open_platform()
    try:
        approved = service.approve_application(
            platform.repository, application_id, on=on or date.today(), amount=amount,
            who=actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"application {application_id} approved: £{approved:,}")


@funding.command("spend")
@click.argument("application_id", type=int)
@click.option("--category", type=click.Choice([c.value for c in SpendCategory]), required=True)
@click.option("--amount", type=int, required=True)
@click.option("--on", "on", type=DateParam(), required=True)
@click.option("--description", default="", help="What was bought.")
@actor_options(Action.FUNDING_SPEND, provider=None, provider_of=_application_trust)
def spend(application_id: int, category: str, amount: int, on: date, description: str,
          **who: str) -> None:  # fmt: skip
    """Record a spend line against approved funding."""
    from specialmeasures.interventions import funding as service

    platform = open_platform()
    try:
        line = service.add_spend(
            platform.repository, application_id, category=category, amount=amount, on=on,
            description=description, who=actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"spend {line}: £{amount:,} {category} on application {application_id}")


@funding.command("list")
@click.option("--provider", "code", default=None)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def list_applications(code: str | None, fmt: str) -> None:
    """Applications with their aims, approval and spend."""
    from specialmeasures.interventions import funding as service

    platform = open_platform()
    try:
        views = service.applications(platform.repository, code)
    finally:
        platform.close()
    rows = [
        {
            "id": v.application.id,
            "trust": v.application.provider_code,
            "stage": v.application.stage.value,
            "applied_on": v.application.applied_on,
            "amount": v.application.amount,
            "status": v.application.status,
            "approved": v.application.approved_amount,
            "spent": v.spent,
            "aims": "; ".join(f"{a.aim} (£{a.amount:,})" for a in v.application.aims),
        }
        for v in views
    ]
    emit(rows, ["id", "trust", "stage", "applied_on", "amount", "status", "approved", "spent",
                "aims"], fmt)  # fmt: skip


COMMANDS = [funding]
