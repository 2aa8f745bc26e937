"""``specialmeasures ids``: Improvement Directors - roster, assignments, proposals, flags."""

from __future__ import annotations

from datetime import date

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.directors import Background, ImprovementDirector

BACKGROUNDS = click.Choice([b.value for b in Background])


@click.group()
def ids() -> None:
    """Improvement Directors: roster, assignments on the Director cycle, proposals, flags."""


@ids.command("list")
@click.option("--as-of", type=DateParam(), default=None, help="Count trusts on this day.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def list_ids(as_of: date | None, fmt: str) -> None:
    """The roster with each ID's current trusts."""
    from specialmeasures.interventions import directors as service

    day = as_of or date.today()
    platform = open_platform()
    try:
        roster = service.directors(platform.repository)
        assigned = service.assignments(platform.repository)
    finally:
        platform.close()
    rows = [
        {
            "id": d.id,
            "name": d.name,
            "background": d.background.value,
            "previous_smq": "yes" if d.previous_smq_experience else "no",
            "max_trusts": d.max_trusts,
            "trusts_now": ", ".join(
                sorted(
                    a.provider_code for a in assigned if a.director_id == d.id and a.active_on(day)
                )
            ),
        }
        for d in roster
    ]
    emit(
        rows,
        list(rows[0]) if rows else ["id", "name"],
        fmt,
        title=f"Improvement Directors on {day}",
    )


@ids.command("add")
@click.argument("name")
@click.option("--background", type=BACKGROUNDS, required=True)
@click.option("--previous-smq/--no-previous-smq", default=False, show_default=True)
@click.option("--max-trusts", type=click.IntRange(1, 6), default=2, show_default=True)
@actor_options(Action.INTERVENTION_RECORD)
def add(name: str, background: str, previous_smq: bool, max_trusts: int, **who: str) -> None:
    """Put an Improvement Director on the roster."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        new_id = service.add_director(
            platform.repository,
            ImprovementDirector(name, Background(background), previous_smq, max_trusts),
            actor(who["actor"], who["role"], who["rationale"]),
        )
    finally:
        platform.close()
    click.echo(f"Improvement Director {new_id}: {name}")


@ids.command("assign")
@click.argument("director")
@click.argument("code")
@click.option("--start", type=DateParam(), required=True)
@click.option("--intensive-months", type=int, default=None, help="1-3 (policy); default 3.")
@click.option("--maintenance-months", type=int, default=None, help="Default from policy (3).")
@click.option("--hours-intensive", type=float, default=22.5, show_default=True)
@click.option("--hours-maintenance", type=float, default=7.5, show_default=True)
@actor_options(Action.INTERVENTION_RECORD)
def assign(
    director: str, code: str, start: date, intensive_months: int | None,
    maintenance_months: int | None, hours_intensive: float, hours_maintenance: float, **who: str,
) -> None:  # fmt: skip
    """Assign DIRECTOR (name or id) to trust CODE from --start on the Director cycle."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        new_id = service.assign_director(
            platform.repository, director=director, provider_code=code, start=start,
            who=actor(who["actor"], who["role"], who["rationale"]),
            intensive_months=intensive_months, maintenance_months=maintenance_months,
            hours_intensive=hours_intensive, hours_maintenance=hours_maintenance,
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"assignment {new_id}: {director} -> {code} from {start}")


@ids.command("end")
@click.argument("assignment_id", type=int)
@click.option("--end", type=DateParam(), required=True, help="Last day + 1 (exclusive).")
@click.option("--reason", required=True)
@actor_options(Action.INTERVENTION_RECORD)
def end(assignment_id: int, end: date, reason: str, **who: str) -> None:
    """End (withdraw) an assignment."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        service.end_assignment(
            platform.repository, assignment_id, end=end, reason=reason,
            who=actor(who["actor"], who["role"], who["rationale"]),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(f"assignment {assignment_id} ended {end}")


@ids.command("propose")
@click.argument("code")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def propose(code: str, as_of: date | None, fmt: str) -> None:
    """Rank the roster for trust CODE: capacity, background, experience (explained)."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        found = service.propose(platform.repository, code, as_of or date.today())
    finally:
        platform.close()
    rows = [
        {
            "director": p.director.name,
            "score": p.score,
            "eligible": "yes" if p.eligible else "no",
            "trusts_now": p.active_trusts,
            "why": p.explain(),
        }
        for p in found
    ]
    emit(rows, ["director", "score", "eligible", "trusts_now", "why"], fmt)


@ids.command("flags")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def flags(as_of: date | None, fmt: str) -> None:
    """Long in one trust, withdrawn before re-inspection, SMQ without an ID, over capacity."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        found = service.flags(platform.repository, as_of or date.today())
    finally:
        platform.close()
    rows = [
        {
            "flag": f.kind,
            "trust": f.provider_code,
            "director": f.director,
            "rule": f.rule,
            "detail": f.detail,
        }
        for f in found
    ]
    emit(rows, ["flag", "trust", "director", "rule", "detail"], fmt)


@ids.command("caseload")
@click.option("--from", "first", type=DateParam(), required=True)
@click.option("--to", "last", type=DateParam(), required=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def caseload(first: date, last: date, fmt: str) -> None:
    """Who covers whom, month by month, with phases and hours."""
    from specialmeasures.interventions import directors as service

    platform = open_platform()
    try:
        rows = service.director_caseload(platform.repository, first, last)
    finally:
        platform.close()
    emit(rows, ["month", "director", "trusts", "count", "capacity", "hours_per_week"], fmt)


COMMANDS = [ids]
