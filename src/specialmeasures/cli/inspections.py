"""``specialmeasures inspections add``: record a CQC inspection by hand, from its published report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import account_role, actor_options
from specialmeasures.cli._context import DateParam, open_platform
from specialmeasures.domain import DomainError, InputError, KeyQuestion, Rating

_HELP = "O, G, RI or I (or the full name)"


@click.group()
def inspections() -> None:
    """CQC inspections entered by hand (a report published before CQC's download file)."""


@inspections.command("add")
@click.argument("code")
@click.option("--inspected", type=DateParam(), required=True, help="The inspection date.")
@click.option("--published", type=DateParam(), required=True, help="The report's publication "
              "date: the ratings are in force from it.")  # fmt: skip
@click.option("--overall", required=True, help=f"Overall rating: {_HELP}.")
@click.option("--safe", default=None, help=f"{_HELP}; leave out if not rated.")
@click.option("--effective", default=None, help=f"{_HELP}; leave out if not rated.")
@click.option("--caring", default=None, help=f"{_HELP}; leave out if not rated.")
@click.option("--responsive", default=None, help=f"{_HELP}; leave out if not rated.")
@click.option("--well-led", "well_led", default=None, help=f"{_HELP}; leave out if not rated.")
@actor_options(Action.INSPECTION_RECORD)
def add(
    code: str, inspected: date, published: date, overall: str, safe: str | None,
    effective: str | None, caring: str | None, responsive: str | None, well_led: str | None,
    actor: str, role: str, rationale: str,
) -> None:  # fmt: skip
    """Record an inspection of trust CODE and the ratings its report published, audited."""
    given = {
        KeyQuestion.OVERALL: overall, KeyQuestion.SAFE: safe, KeyQuestion.EFFECTIVE: effective,
        KeyQuestion.CARING: caring, KeyQuestion.RESPONSIVE: responsive,
        KeyQuestion.WELL_LED: well_led,
    }  # fmt: skip
    ratings: dict[KeyQuestion, Rating] = {}
    for kq, text in given.items():
        if text is None or not text.strip():
            continue
        option = f"--{kq.value.replace('_', '-')}"
        try:
            ratings[kq] = Rating.parse(text, field=option)
        except DomainError as error:  # bad input: exit 2, naming the option and value
            raise InputError(error.rule, column=option, value=text) from None
    platform = open_platform()
    try:
        from specialmeasures.register.inspections import record_inspection

        done = record_inspection(
            platform.repository, provider_code=code, inspection_date=inspected,
            publication_date=published, ratings=ratings, actor=actor, role=role,
            rationale=rationale, recorded_at=datetime.now(UTC), account_role=account_role(),
        )  # fmt: skip
    finally:
        platform.close()
    click.echo(done.line())


COMMANDS = [inspections]
