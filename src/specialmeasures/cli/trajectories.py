"""``specialmeasures trajectories``, ``sample`` and ``figure trajectories|sustainability``: the
seed paper's sampling model (performance trajectories, purposive sample, trajectory figure) and
the Kaplan-Meier figure of sustainability after exit.

All of them use the CP list, which is confidential: every output says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from specialmeasures.cli._choices import KM_BY
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.cli._tables import check_chart_path, write_figure

CONFIDENTIAL = "CONFIDENTIAL (uses the CP list)"
#: The table view is narrower than the CSV/JSON (which carry the names, reasons and facts).
TABLE_COLUMNS = ("code", "trust_type", "setting", "primary_label", "groups", "smq_entries",
                 "longest_smq_days", "in_smq")  # fmt: skip
AS_OF_HELP = "Classify as known on this date (default: today)."


@click.command()
@click.option("--as-of", type=DateParam(), default=None, help=AS_OF_HELP)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--group", default=None, help="Only trusts whose primary group is this id.")
def trajectories(as_of: date | None, fmt: str, group: str | None) -> None:
    """Classify every trust into the seed paper's performance trajectories.

    One row per trust: its primary group (by the precedence in policy/evaluation.yaml), every
    group it matches, and the facts behind them.
    """
    from specialmeasures.evaluation.views import TRAJECTORY_COLUMNS, trajectory_rows

    day = as_of or date.today()
    platform = open_platform()
    try:
        rows = trajectory_rows(platform.repository, day)
    finally:
        platform.close()
    if group:
        rows = [r for r in rows if r["primary_group"] == group]
    columns = TRAJECTORY_COLUMNS if fmt != "table" else TABLE_COLUMNS
    emit(rows, columns, fmt, title=f"Trajectories as of {day} — {CONFIDENTIAL}")


@click.command()
@click.option("--as-of", type=DateParam(), default=None, help=AS_OF_HELP)
@click.option("--per-group", type=click.IntRange(min=1), default=None,
              help="Sites per group (default: the policy's, 2).")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=2019, show_default=True)
@click.option("--decline", "declines", multiple=True, metavar="CODE",
              help="A site that declined the invitation (repeat); it is replaced.")  # fmt: skip
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def sample(
    as_of: date | None, per_group: int | None, seed: int, declines: tuple[str, ...], fmt: str
) -> None:
    """Draw the purposive sample of case-study sites (the seed paper's Table 1).

    Lists every site approached, in order, as included or declined; a declined site is replaced
    from the same group with the same constraints.
    """
    from specialmeasures.evaluation.views import SAMPLE_COLUMNS, sample_sites

    day = as_of or date.today()
    platform = open_platform()
    try:
        result = sample_sites(
            platform.repository, day, per_group=per_group, seed=seed, declined=declines
        )
    finally:
        platform.close()
    counts = result.counts()
    if fmt == "table":
        included = sorted(result.included, key=lambda a: a.case or 0)
        emit([a.row() for a in included], ("case", "depth", "group", "trust_type", "setting",
             "region", "code"), "table", title=f"Characteristics of included sites — {CONFIDENTIAL}")  # fmt: skip
        emit(
            [a.row() for a in result.approaches], SAMPLE_COLUMNS, "table", title="Sites approached"
        )
        click.echo(
            f"approached {counts['approached']}, declined {counts['declined']}, "
            f"included {counts['included']} (seed {seed})"
        )
        for group, missing in result.shortfall:
            click.echo(f"warning: group {group} is {missing} site(s) short", err=True)
        return
    emit([a.row() for a in result.approaches], SAMPLE_COLUMNS, fmt)


@click.group()
def figure() -> None:
    """Static figures (SVG or PNG), each with a JSON and CSV twin of its data."""


@figure.command("trajectories")
@click.argument("codes", nargs=-1, required=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Chart file: .svg or .png.")  # fmt: skip
@click.option("--as-of", type=DateParam(), default=None, help=AS_OF_HELP)
@click.option("--start", type=DateParam(), default=date(2013, 7, 1), show_default=True)
def figure_trajectories(
    codes: tuple[str, ...], output: Path, as_of: date | None, start: date
) -> None:
    """Draw overall and well-led ratings over time for CODES, regime episodes shaded, group
    marked; writes OUTPUT plus OUTPUT.json and OUTPUT.csv (the data drawn)."""
    from specialmeasures.evaluation.views import FIGURE_COLUMNS, figure_rows, trajectory_figure

    check_chart_path(output)
    day = as_of or date.today()
    platform = open_platform()
    try:
        data = trajectory_figure(platform.repository, list(codes), day, start=start)
    finally:
        platform.close()
    from specialmeasures.reports.charts import trajectory_chart

    write_figure(output, trajectory_chart(data), data, FIGURE_COLUMNS, figure_rows(data))
    _wrote(output)


@figure.command("sustainability")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Chart file: .svg or .png.")  # fmt: skip
@click.option("--as-of", type=DateParam(), default=None, help=AS_OF_HELP)
@click.option("--by", type=click.Choice(list(KM_BY)), default="group", show_default=True,
              help="One curve per trajectory group, per trust type, or one for all exits.")  # fmt: skip
def figure_sustainability(output: Path, as_of: date | None, by: str) -> None:
    """Draw Kaplan-Meier re-entry-free survival after leaving SMQ (censored exits ticked);
    writes OUTPUT plus OUTPUT.json and OUTPUT.csv (the steps drawn)."""
    from specialmeasures.evaluation.documents import sustainability_document
    from specialmeasures.evaluation.sustainability import KM_COLUMNS, km_figure, km_rows

    check_chart_path(output)
    day = as_of or date.today()
    platform = open_platform()
    try:
        data = km_figure(sustainability_document(platform.repository, day)["exits"], day, by)
    finally:
        platform.close()
    from specialmeasures.reports.charts import km_chart

    write_figure(output, km_chart(data), data, KM_COLUMNS, km_rows(data))
    _wrote(output)


def _wrote(output: Path) -> None:
    click.echo(f"wrote {output}, {output.with_suffix('.json')}, {output.with_suffix('.csv')}")


COMMANDS = [trajectories, sample, figure]
