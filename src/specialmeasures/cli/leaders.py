"""``specialmeasures leaders``: senior posts, holders, tenure, turnover and stability."""

from __future__ import annotations

from datetime import date

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.domain.leadership import LeadershipTerm, Post


@click.group()
def leaders() -> None:
    """Leadership: CEO, medical director, chief nurse, chair; stability of the triumvirate."""


@leaders.command("add")
@click.argument("code")
@click.option("--post", type=click.Choice([p.value for p in Post]), required=True)
@click.option("--holder", required=True)
@click.option("--start", type=DateParam(), required=True)
@click.option("--end", type=DateParam(), default=None)
@click.option("--interim", is_flag=True)
@click.option("--previous-smq", is_flag=True, help="The holder has led a trust in SMQ before.")
@actor_options(Action.INTERVENTION_RECORD)
def add(code: str, post: str, holder: str, start: date, end: date | None, interim: bool,
        previous_smq: bool, **who: str) -> None:  # fmt: skip
    """Record a holder of a post at trust CODE."""
    from specialmeasures.interventions import leadership as service

    platform = open_platform()
    try:
        new_id = service.add_term(
            platform.repository,
            LeadershipTerm(code, Post(post), holder, start, end, interim, previous_smq),
            actor(who["actor"], who["role"], who["rationale"]),
        )
    finally:
        platform.close()
    click.echo(f"term {new_id}: {holder}, {post} of {code} from {start}")


@leaders.command("end")
@click.argument("term_id", type=int)
@click.option("--end", type=DateParam(), required=True)
@actor_options(Action.INTERVENTION_RECORD)
def end(term_id: int, end: date, **who: str) -> None:
    """Record that a holder left the post."""
    from specialmeasures.interventions import leadership as service

    platform = open_platform()
    try:
        service.end_term(platform.repository, term_id, end=end,
                         who=actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"term {term_id} ended {end}")


@leaders.command("show")
@click.argument("code")
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def show(code: str, as_of: date | None, fmt: str) -> None:
    """Each post's holder, tenure, vacancy and interim months, turnover; stability."""
    from specialmeasures.interventions import leadership as service

    platform = open_platform()
    try:
        posts, stable = service.leadership_summary(platform.repository, code, as_of or date.today())
    finally:
        platform.close()
    rows = [
        {
            "post": s.post.label,
            "holder": s.holder or "vacant",
            "interim": "yes" if s.interim else "",
            "tenure_months": s.tenure_months,
            "vacancy_months_24m": s.vacancy_months,
            "interim_months_24m": s.interim_months,
            "changes_24m": s.changes_24m,
        }
        for s in posts
    ]
    emit(rows, list(rows[0]), fmt)
    if fmt == "table":
        click.echo(
            "Triumvirate: "
            + ("stable" if stable.stable else "UNSTABLE - " + "; ".join(stable.reasons))
        )


COMMANDS = [leaders]
