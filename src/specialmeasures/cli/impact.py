"""``specialmeasures impact``, ``validate-impact``, ``sustainability`` and ``balancing``: the
quantitative side of the evaluation (docs/evaluation.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from specialmeasures.cli._choices import EVENTS, IMPACT_DESIGNS
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform
from specialmeasures.cli._progress import quiet_option, working
from specialmeasures.cli._tables import check_chart_path, write_figure
from specialmeasures.demo.world import WORLDS
from specialmeasures.domain import InputError

ES_COLUMNS = ("k", "estimate", "se", "ci_low", "ci_high", "n_treated")
CONFIDENTIAL = "CONFIDENTIAL"


def _plot_twins(output: Path, document: dict[str, Any]) -> None:
    from specialmeasures.reports.charts import event_study_chart

    write_figure(output, event_study_chart(document), document, ES_COLUMNS,
                 document["event_study"])  # fmt: skip


@click.command()
@click.option("--indicator", required=True, help="Indicator id (see the indicators table).")
@click.option("--design", type=click.Choice(["matched", "did", "its"]), default="matched",
              show_default=True,
              help="matched: matched DiD on the pre-entry trajectory; did: did2s; its: one "
              "trust's interrupted time series.")  # fmt: skip
@click.option("--event", type=click.Choice(EVENTS), default="entry", show_default=True)
@click.option("--provider", "code", default=None, help="Trust for --design its.")
@click.option("--window", nargs=2, type=int, default=None, metavar="FROM TO",
              help="Months relative to the event (default: the policy's, -12 24).")  # fmt: skip
@click.option("--level", type=click.FloatRange(0.5, 0.999), default=0.95, show_default=True)
@click.option("--balancing", is_flag=True, help="Also print the balancing measures table.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Event-study plot (.svg or .png) with .json and .csv twins.")  # fmt: skip
@quiet_option
def impact(
    indicator: str,
    design: str,
    event: str,
    code: str | None,
    window: tuple[int, int] | None,
    level: float,
    balancing: bool,
    fmt: str,
    output: Path | None,
    quiet: bool,
) -> None:
    """Estimate the effect of SMQ entry (or exit) on an indicator.

    --design matched (default): each entering trust against the never- or not-yet-treated
    trusts with the nearest pre-entry trajectory of the indicator (matched DiD).
    --design did: a did2s event study over every trust (never- and not-yet-treated
    comparators), with the average effect over months 0..TO and a pre-trend test.
    --design its: one trust's interrupted time series (OLS, Newey-West SEs).
    """
    from specialmeasures.evaluation.balancing import BALANCING_COLUMNS
    from specialmeasures.evaluation.callaway import callaway_santanna
    from specialmeasures.evaluation.documents import balancing_rows
    from specialmeasures.evaluation.events import event_label
    from specialmeasures.evaluation.impact import event_study, interrupted_time_series
    from specialmeasures.evaluation.matched import matched_event_study
    from specialmeasures.evaluation.panel import panel_from_store
    from specialmeasures.evaluation.reading import read_estimate
    from specialmeasures.evaluation.thresholds import load_thresholds

    if output is not None:
        check_chart_path(output)
    t = load_thresholds()
    span = window or t.event_window
    platform = open_platform()
    try:
        with working(f"Loading {indicator}", quiet=quiet):
            panel = panel_from_store(
                platform.repository, indicator, event, composite=design == "matched"
            )
            extra = balancing_rows(platform.repository, t.balancing_months) if balancing else []
    finally:
        platform.close()
    if design == "its":
        if not code:
            raise InputError("--design its needs --provider CODE", column="--provider")
        its = interrupted_time_series(
            panel, code.upper(), span, min_months=t.its_min_months, level=level
        ).document()
        its["confidential"] = True
        if fmt == "json":
            click.echo(json.dumps(its, indent=2))
        else:
            rows = [
                {"term": name, **its[name]}
                for name in ("pre_slope", "level_change", "slope_change")
            ]
            emit(rows, ("term", "estimate", "se", "ci_low", "ci_high"), fmt,
                 title=f"ITS of {indicator} for {code.upper()} around {event_label(event)} — "
                 f"{CONFIDENTIAL}")  # fmt: skip
    else:
        with working(f"Estimating ({design})", quiet=quiet):
            if design == "matched":
                result = matched_event_study(panel, span, level=level)
            else:
                result = event_study(panel, span, level=level)
        document = {**result.document(), "confidential": True}
        independent = None
        if design == "matched":
            other = callaway_santanna(panel, span, level=level)
            independent = {"estimator": other.estimator, "att": other.att,
                           "pretrend": other.pretrend}  # fmt: skip
        document["independent"] = independent
        document["reading"] = read_estimate(
            result.att, level, result.pretrend.get("p_value"), independent
        )
        if fmt == "json":
            click.echo(json.dumps(document, indent=2))
        else:
            emit(list(result.rows), ES_COLUMNS, fmt,
                 title=f"Event study: {indicator} around {event_label(event)} — {CONFIDENTIAL}")  # fmt: skip
            if fmt == "table":
                a, p = result.att, result.pretrend
                click.echo(
                    f"average effect months 0..{span[1]}: {a['estimate']:.4g} "
                    f"({int(level * 100)}% CI {a['ci_low']:.4g} to {a['ci_high']:.4g}); "
                    f"pre-trend test chi2 {p['chi2']:.1f} on {p['df']:.0f} df, p = "
                    f"{p['p_value']:.3g}; {result.treated_units} treated of {result.units} "
                    f"trusts ({result.treated_left_out} left out)"
                )
                for sentence in document["reading"]["text"]:
                    click.echo(sentence)
        if output is not None:
            _plot_twins(output, document)
            click.echo(f"wrote {output} and its .json and .csv twins", err=True)
    if balancing:
        emit(extra, BALANCING_COLUMNS, fmt if fmt != "json" else "json",
             title=f"Balancing measures, {t.balancing_months} months after vs before entry")  # fmt: skip


@click.command("validate-impact")
@click.option("--seeds", type=click.IntRange(min=1), default=300, show_default=True,
              help="Countries to generate; 300 make the coverage interval about 5 points wide.")  # fmt: skip
@click.option("--first-seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--indicator", default="ae_four_hour", show_default=True)
@click.option("--window", nargs=2, type=int, default=None, metavar="FROM TO")
@click.option("--outcome", type=click.Choice(["observed", "parallel"]), default="observed",
              show_default=True,
              help="observed: the generated values; parallel: same trusts, dates and true "
              "effect with an outcome where parallel trends hold.")  # fmt: skip
@click.option("--design", type=click.Choice(IMPACT_DESIGNS), default="matched", show_default=True)
@click.option("--world", type=click.Choice([*WORLDS, "unplaced"]), default="base",
              show_default=True,
              help="The synthetic world (docs/evaluation.md): base (as designed), null (no "
              "effect, no pre-entry signal), realistic, realistic-null, selection (no untreated "
              "crises), no-signal. 'unplaced' is the old name of base.")  # fmt: skip
@click.option("--independent/--no-independent", default=True, show_default=True,
              help="Also run the Callaway-Sant'Anna estimator (diff-diff) on each country.")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the machine's cores).")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress on standard error.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def validate_impact_command(
    seeds: int,
    first_seed: int,
    indicator: str,
    window: tuple[int, int] | None,
    outcome: str,
    design: str,
    world: str,
    independent: bool,
    jobs: int | None,
    quiet: bool,
    fmt: str,
) -> None:
    """Regenerate the synthetic country with SEEDS seeds in a WORLD, run the event study (and an
    independent estimator) on each and report bias, RMSE, coverage, power and the minimum
    detectable effect against the true effect."""
    import os

    from specialmeasures.evaluation.thresholds import load_thresholds
    from specialmeasures.evaluation.validation import INDEPENDENT, validate_impact, validation_rows

    span = window or load_thresholds().event_window
    chosen = "base" if world == "unplaced" else world
    with working(f"Generating {seeds} countries", quiet=quiet) as update:
        result = validate_impact(
            indicator,
            seeds,
            first_seed=first_seed,
            window=span,
            outcome=outcome,
            design=design,
            progress=update,
            unplaced=chosen != "selection",
            world=WORLDS[chosen],
            independent=independent,
            jobs=jobs or os.cpu_count() or 1,
        )
    if fmt == "json":
        click.echo(json.dumps({"indicator": indicator, "window": list(span), "outcome": outcome,
                               "design": design, "world": chosen, "seeds": list(result.seeds),
                               "summary": result.summary, "independent": result.independent,
                               "per_seed": [_seed_record(s) for s in result.per_seed]}, indent=2))  # fmt: skip
        return
    rows = validation_rows(result)
    columns = ("measure", design, *((INDEPENDENT,) if result.independent else ()))
    emit(rows, columns, fmt,
         title=f"Event-study validation ({outcome} outcome, {chosen} world: "
         f"{WORLDS[chosen].description}): {indicator}, {seeds} seeds, "
         f"window {span[0]}..{span[1]}")  # fmt: skip


def _seed_record(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if not k.startswith("month_") and k != "independent"}
    if "independent" in record:
        out["independent"] = {
            k: v for k, v in record["independent"].items() if not k.startswith("month_")
        }
    return out


@click.command()
@click.option(
    "--as-of", type=DateParam(), default=None, help="Date to answer as of (default: today)."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--exits", "show_exits", is_flag=True, help="List each exit instead of the curves.")
def sustainability(as_of: date | None, fmt: str, show_exits: bool) -> None:
    """Time from SMQ exit to re-entry (Kaplan-Meier, censored) by group and trust type, and
    the overall ratings held after exit."""
    from specialmeasures.evaluation.history import load_histories
    from specialmeasures.evaluation.sustainability import (
        CURVE_COLUMNS,
        EXIT_COLUMNS,
        exits,
        reentry_curves,
    )
    from specialmeasures.evaluation.thresholds import load_thresholds

    day = as_of or date.today()
    platform = open_platform()
    try:
        rows = exits(load_histories(platform.repository), day, load_thresholds())
    finally:
        platform.close()
    if show_exits:
        emit(rows, EXIT_COLUMNS, fmt, title=f"SMQ exits as of {day} — {CONFIDENTIAL}")
        return
    emit(reentry_curves(rows), CURVE_COLUMNS, fmt,
         title=f"Re-entry-free survival after SMQ exit, as of {day} — {CONFIDENTIAL}")  # fmt: skip


@click.command()
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="Months before and after entry (default: the policy's, 12).")  # fmt: skip
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@quiet_option
def balancing(months: int | None, fmt: str, quiet: bool) -> None:
    """Unintended consequences: workforce and culture indicators before and after SMQ entry,
    beside the intended quality indicators, with never-treated trusts as comparator."""
    from specialmeasures.evaluation.balancing import BALANCING_COLUMNS
    from specialmeasures.evaluation.documents import balancing_rows
    from specialmeasures.evaluation.thresholds import load_thresholds

    span = months or load_thresholds().balancing_months
    platform = open_platform()
    try:
        with working("Comparing before and after entry", quiet=quiet):
            rows = balancing_rows(platform.repository, span)
    finally:
        platform.close()
    emit(rows, BALANCING_COLUMNS, fmt,
         title=f"Balancing measures, {span} months after vs before SMQ entry — {CONFIDENTIAL}")  # fmt: skip


COMMANDS = [impact, validate_impact_command, sustainability, balancing]
