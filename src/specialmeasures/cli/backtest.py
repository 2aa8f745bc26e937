"""``specialmeasures backtest``: replay a policy over history and compare with what happened."""

from __future__ import annotations

import json
from datetime import date
from time import perf_counter

import click

from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.cli._progress import quiet_option, working


@click.command()
@click.option("--policy", "policy_id", default="smq-2013", show_default=True)
@click.option("--from", "start", type=DateParam(), default="2013-07", show_default=True)
@click.option("--to", "end", type=DateParam(), default="2019-09", show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@quiet_option
def backtest(policy_id: str, start: date, end: date, fmt: str, quiet: bool) -> None:
    """Replay POLICY month by month (as of the 1st, using only what was published by then) and
    compare its entry and exit recommendations with the episodes that happened."""
    from specialmeasures.regime import run_backtest
    from specialmeasures.regime.views import jsonable

    if end < start:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="--to")
    platform = open_platform()
    began = perf_counter()
    try:
        with working(f"Replaying {policy_id}", quiet=quiet):
            result = run_backtest(platform.repository, policy_id, start, end)
    finally:
        platform.close()
    seconds = perf_counter() - began
    table = [a.as_row() for a in result.agreement]
    cases = [c.as_row() for c in result.disagreements]
    fmt = fmt.lower()
    if fmt == "json":
        data = {
            "policy_id": result.policy_id,
            "policy_version": result.policy_version,
            "regime": result.regime.value,
            "from": result.start,
            "to": result.end,
            "months": result.months,
            "providers": result.providers,
            "agreement": table,
            "cases": [c.as_row() for c in result.cases],
            "disagreements": cases,
        }
        click.echo(json.dumps(jsonable(data), indent=2))
        return
    columns = list(table[0])
    if fmt == "csv":
        emit(table, columns, "csv")
        click.echo()
        emit(cases, _CASE_COLUMNS, "csv")
        return
    click.echo(
        f"Backtest of {result.policy_id} {result.policy_version} ({result.regime.label}),"
        f" {result.start:%Y-%m} to {result.end:%Y-%m}: {result.months} months x"
        f" {result.providers} providers in {seconds:.1f} s"
    )
    emit(table, columns, "table", title="Agreement (events; 'neither' in provider-months)")
    click.echo(f"\nWhere they differ ({len(cases)}):")
    for n, case in enumerate(result.disagreements, start=1):
        when = case.happened_on or case.recommended_from
        lag = f", lag {case.lag_months} month(s)" if case.lag_months is not None else ""
        click.echo(
            f"{n}. {case.provider_code} {case.kind} {when}: {case.verdict.replace('_', ' ')}{lag}"
        )
        click.echo(f"   {case.reason}")


_CASE_COLUMNS = (
    "provider_code",
    "kind",
    "verdict",
    "recommended_from",
    "recommended_to",
    "happened_on",
    "lead_months",
    "lag_months",
    "rules",
    "reason",
)

COMMANDS = [backtest]
