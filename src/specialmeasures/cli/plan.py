"""``specialmeasures plan``: improvement-plan actions, progress and deep dives."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.oversight import (
    ActionStatus,
    DeepDive,
    DriverDomain,
    FindingKind,
    PlanAction,
)


@click.group()
def plan() -> None:
    """Improvement plans: actions against must-do/should-do findings, progress, deep dives."""


@plan.command("add")
@click.argument("code")
@click.option("--finding-kind", type=click.Choice([k.value for k in FindingKind]), required=True)
@click.option("--finding", required=True, help="The inspection's finding, as CQC wrote it.")
@click.option("--action", "action_text", required=True)
@click.option("--domain", "domains", multiple=True, required=True,
              type=click.Choice([d.value for d in DriverDomain]), help="Repeatable.")  # fmt: skip
@click.option("--owner", required=True)
@click.option("--due", type=DateParam(), required=True)
@click.option("--inspection-id", type=int, default=None)
@click.option("--on", "on", type=DateParam(), default=None, help="When the action was set.")
@actor_options(Action.PLAN_RECORD)
def add(
    code: str, finding_kind: str, finding: str, action_text: str, domains: tuple[str, ...],
    owner: str, due: date, inspection_id: int | None, on: date | None, **who: str,
) -> None:  # fmt: skip
    """Add an action to trust CODE's improvement plan."""
    from specialmeasures.interventions import plans as service

    platform = open_platform()
    try:
        new_id = service.add_action(
            platform.repository,
            PlanAction(code, FindingKind(finding_kind), finding, action_text,
                       frozenset(DriverDomain(d) for d in domains), owner, due,
                       inspection_id=inspection_id, created_on=on),
            actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"action {new_id} added to {code}'s plan")


def _action_trust(arguments: dict[str, Any]) -> str | None:
    """The trust whose plan holds the action a command names (None if there is none)."""
    from specialmeasures.interventions import plans as service

    platform = open_platform()
    try:
        with platform.engine.connect() as conn:
            found = [a.provider_code for a in service.actions_in(conn)
                     if a.id == arguments.get("action_id")]  # fmt: skip
    finally:
        platform.close()
    return found[0] if found else None


@plan.command("update")
@click.argument("action_id", type=int)
@click.option("--status", type=click.Choice([s.value for s in ActionStatus]), required=True)
@click.option("--on", "on", type=DateParam(), required=True)
@click.option("--note", default="")
@click.option("--evidence", default=None)
@actor_options(Action.PLAN_RECORD, provider=None, provider_of=_action_trust)
def update(action_id: int, status: str, on: date, note: str, evidence: str | None,
           **who: str) -> None:  # fmt: skip
    """Record progress on an action (complete needs evidence)."""
    from specialmeasures.interventions import plans as service

    platform = open_platform()
    try:
        service.update_action(platform.repository, action_id, status=status, on=on, note=note,
                              evidence=evidence,
                              who=actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"action {action_id}: {status} on {on}")


@plan.command("show")
@click.argument("code")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def show(code: str, as_of: date | None, fmt: str) -> None:
    """Trust CODE's plan: actions with domains, owner, due date, status, evidence."""
    from specialmeasures.interventions import plans as service

    day = as_of or date.today()
    platform = open_platform()
    try:
        actions = service.plan_of(platform.repository, code)
    finally:
        platform.close()
    rows = [
        {
            "id": a.id,
            "kind": a.finding_kind.value,
            "finding": a.finding,
            "action": a.action,
            "domains": ", ".join(sorted(d.value for d in a.domains)),
            "owner": a.owner,
            "due": a.due,
            "status": a.status.value,
            "overdue": "yes" if a.overdue(day) else "",
            "evidence": a.evidence,
        }
        for a in actions
    ]
    emit(rows, ["id", "kind", "finding", "action", "domains", "owner", "due", "status",
                "overdue", "evidence"], fmt)  # fmt: skip


@plan.command("progress")
@click.argument("code")
@click.option("--from", "first", type=DateParam(), required=True)
@click.option("--to", "last", type=DateParam(), required=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def progress(code: str, first: date, last: date, fmt: str) -> None:
    """The plan's status counts month by month."""
    from specialmeasures.interventions import plans as service

    platform = open_platform()
    try:
        rows = service.progress(platform.repository, code, first, last)
    finally:
        platform.close()
    emit(rows, list(rows[0]) if rows else ["month"], fmt)


@plan.command("deep-dive")
@click.argument("code")
@click.option("--topic", required=True)
@click.option("--start", type=DateParam(), required=True)
@click.option("--end", type=DateParam(), default=None)
@click.option("--findings", default="")
@actor_options(Action.PLAN_RECORD)
def deep_dive(code: str, topic: str, start: date, end: date | None, findings: str,
              **who: str) -> None:  # fmt: skip
    """Attach a deep dive (topic, dates, findings) to trust CODE's plan."""
    from specialmeasures.interventions import plans as service

    platform = open_platform()
    try:
        new_id = service.add_deep_dive(platform.repository,
                                       DeepDive(code, topic, start, end, findings),
                                       actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"deep dive {new_id}: {topic}")


COMMANDS = [plan]
