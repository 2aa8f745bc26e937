"""``specialmeasures support``: Recovery Support Programme and Provider Improvement Programme
cases - open (one organisation or a system with its ICB and System Improvement Director), agreed
exit criteria with evidence and status, exit when all are met, paid support, capability."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import actor_options
from specialmeasures.cli._choices import PAYERS
from specialmeasures.cli._context import DateParam, emit, open_platform
from specialmeasures.domain import InputError, Regime
from specialmeasures.domain.support import CAPABILITY_AREAS, CRITERION_STATUSES

if TYPE_CHECKING:
    from specialmeasures.regime.support_cases import Who

__all__ = ["COMMANDS", "support"]


def _who(actor: str, role: str, rationale: str) -> Who:
    from specialmeasures.regime.support_cases import Who

    return Who(actor, role, rationale, datetime.now(UTC).replace(tzinfo=None))


def _criterion(text: str) -> tuple[str | None, str]:
    head, sep, body = text.partition(":")
    if not sep or not body.strip():
        raise InputError(
            "write a criterion as CODE: text or system: text", column="--criterion", value=text
        )
    target = head.strip()
    return (None if target.lower() == "system" else target.upper(), body.strip())


def _print_case(view: dict[str, object]) -> None:
    click.echo(f"Case {view['id']}: {view['name']} ({view['regime_label']}, {view['scope']}), "
               f"{view['status']} since {view['opened_on']}")  # fmt: skip
    if view["icb"]:
        click.echo(f"ICB: {view['icb']}; System Improvement Director: {view['director']}")
    emit(view["members"], ("provider_code", "name", "joined_on", "left_on", "criteria_met",  # type: ignore[arg-type]
                            "criteria", "exit_recommended"), "table", title="Providers")  # fmt: skip
    emit(view["criteria"], ("id", "provider_code", "criterion", "status", "evidence",  # type: ignore[arg-type]
                             "updated_on"), "table", title="Exit criteria agreed at entry")  # fmt: skip
    if view["costs"]:
        click.echo(f"Paid support: £{view['cost_total']:,} (£{view['cost_paid_by_trusts']:,} "
                   "paid by trusts)")  # fmt: skip
    click.echo(f"Recommendation: {view['recommendation']}")


@click.group()
def support() -> None:
    """RSP and Provider Improvement Programme cases, exit criteria, costs and capability."""


@support.command("open")
@click.option("--regime", type=click.Choice(["rsp", "pip"]), required=True)
@click.option("--name", required=True, help="The case's name, e.g. the system's name.")
@click.option(
    "--provider", "providers", multiple=True, required=True, help="A provider code (repeat)."
)
@click.option("--icb", default=None, help="The ICB of a system case.")
@click.option("--director", default=None, help="The System Improvement Director.")
@click.option("--criterion", "criteria", multiple=True, required=True,
              help="An exit criterion agreed at entry: 'CODE: text' or 'system: text' (repeat).")  # fmt: skip
@click.option("--on", "on", type=DateParam(), required=True, help="Entry date.")
@actor_options(Action.DECISION_RECORD, provider=None)
def open_command(regime: str, name: str, providers: tuple[str, ...], icb: str | None,
                 director: str | None, criteria: tuple[str, ...], on: date, actor: str,
                 role: str, rationale: str) -> None:  # fmt: skip
    """Open a case: enter its providers in the regime with their agreed exit criteria."""
    from specialmeasures.regime.support_cases import case_view, open_case

    platform = open_platform()
    try:
        case_id = open_case(
            platform.repository,
            regime=Regime(regime),
            name=name,
            members=providers,
            criteria=[_criterion(c) for c in criteria],
            on=on,
            who=_who(actor, role, rationale),
            icb=icb,
            director=director,
        )
        view = case_view(platform.repository, case_id)
    finally:
        platform.close()
    click.echo(f"opened case {case_id}")
    _print_case(view)


@support.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def list_command(fmt: str) -> None:
    """Every case with its status and exit recommendation."""
    from specialmeasures.regime.support_cases import list_cases

    platform = open_platform()
    try:
        cases = list_cases(platform.repository)
    finally:
        platform.close()
    rows = [{**c, "providers": " ".join(m["provider_code"] for m in c["members"])} for c in cases]
    emit(rows, ("id", "regime", "scope", "name", "icb", "director", "providers", "opened_on",
                "status", "cost_total", "exit_recommended"), fmt)  # fmt: skip


@support.command("show")
@click.argument("case_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show_command(case_id: int, fmt: str) -> None:
    """One case: providers, exit criteria with evidence and status, costs, recommendation."""
    from specialmeasures.regime.support_cases import case_view

    platform = open_platform()
    try:
        view = case_view(platform.repository, case_id)
    finally:
        platform.close()
    if fmt == "json":
        click.echo(json.dumps(view, indent=2))
    else:
        _print_case(view)


@support.command("criterion")
@click.argument("criterion_id", type=int)
@click.option("--status", type=click.Choice(CRITERION_STATUSES), required=True)
@click.option("--evidence", default="", help="The evidence (required to mark it met).")
@click.option("--on", "on", type=DateParam(), required=True)
@actor_options(Action.DECISION_RECORD, provider=None)
def criterion_command(criterion_id: int, status: str, evidence: str, on: date, actor: str,
                      role: str, rationale: str) -> None:  # fmt: skip
    """Record progress on one agreed exit criterion."""
    from specialmeasures.regime.support_cases import update_criterion

    platform = open_platform()
    try:
        update_criterion(platform.repository, criterion_id, status=status, evidence=evidence,
                         on=on, who=_who(actor, role, rationale))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"criterion {criterion_id}: {status}")


@support.command("exit")
@click.argument("case_id", type=int)
@click.option("--provider", default=None, help="Exit one provider only.")
@click.option("--on", "on", type=DateParam(), required=True)
@actor_options(Action.DECISION_RECORD, provider=None)
def exit_command(case_id: int, provider: str | None, on: date, actor: str, role: str,
                 rationale: str) -> None:  # fmt: skip
    """Exit the case (refused while any agreed exit criterion is not met)."""
    from specialmeasures.regime.support_cases import exit_case

    platform = open_platform()
    try:
        codes = exit_case(platform.repository, case_id, on=on, provider=provider,
                          who=_who(actor, role, rationale))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"case {case_id}: exited {', '.join(codes)} on {on}")


@support.command("cost")
@click.argument("case_id", type=int)
@click.option("--provider", required=True)
@click.option("--amount", type=int, required=True, help="Pounds.")
@click.option("--paid-by", type=click.Choice(PAYERS), default="trust", show_default=True)
@click.option("--description", required=True)
@click.option("--on", "on", type=DateParam(), required=True)
@actor_options(Action.DECISION_RECORD, provider=None)
def cost_command(case_id: int, provider: str, amount: int, paid_by: str, description: str,
                 on: date, actor: str, role: str, rationale: str) -> None:  # fmt: skip
    """Record paid support as a cost of the case."""
    from specialmeasures.regime.support_cases import add_cost

    platform = open_platform()
    try:
        cost_id = add_cost(platform.repository, case_id, provider=provider, amount=amount,
                           paid_by=paid_by, description=description, on=on,
                           who=_who(actor, role, rationale))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"cost {cost_id}: £{amount:,} paid by {paid_by}")


@support.command("capability")
@click.argument("code")
@click.option("--area", "areas", multiple=True, required=True,
              help="AREA=RATING:evidence for each of the six areas, e.g. "
                   "'quality_of_care=low:CQC warning notice'.")  # fmt: skip
@click.option("--on", "on", type=DateParam(), required=True)
@actor_options(Action.DECISION_RECORD, provider="code")
def capability_command(code: str, areas: tuple[str, ...], on: date, actor: str, role: str,
                       rationale: str) -> None:  # fmt: skip
    """Record a capability assessment (six areas rated high, medium or low, with evidence)."""
    from specialmeasures.regime.support_cases import record_capability

    ratings: dict[str, tuple[str, str]] = {}
    for item in areas:
        area, sep, rest = item.partition("=")
        rating, _, evidence = rest.partition(":")
        if not sep or area.strip() not in CAPABILITY_AREAS:
            raise InputError(f"use AREA=RATING:evidence with AREA one of {', '.join(CAPABILITY_AREAS)}",
                             column="--area", value=item)  # fmt: skip
        ratings[area.strip()] = (rating.strip().lower(), evidence.strip())
    platform = open_platform()
    try:
        overall = record_capability(platform.repository, code.upper(), ratings=ratings, on=on,
                                    who=_who(actor, role, rationale))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"{code.upper()}: capability {overall} (judgement capability recorded)")


@support.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@actor_options(Action.DECISION_RECORD, provider=None)
def import_command(file: Path, actor: str, role: str, rationale: str) -> None:
    """Import a list of RSP organisations and their agreed exit criteria (CSV), all or nothing.

    Columns: case, icb, director, provider_code, entered_on, criterion (one criterion a row; an
    empty provider_code is a criterion of the whole system).
    """
    from specialmeasures.ingest.rsp_list import import_rsp_list

    platform = open_platform()
    try:
        result = import_rsp_list(platform.repository, file, who=_who(actor, role, rationale))
    finally:
        platform.close()
    if result.already_imported:
        click.echo(f"{file}: already imported; nothing changed")
    else:
        click.echo(f"{file}: {result.cases} cases, {result.providers} providers entered in the RSP")


COMMANDS = [support]
