"""``specialmeasures demo``: generate the synthetic country, load it, print its counts, serve."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from specialmeasures.cli._choices import DEMO_SEED
from specialmeasures.cli._context import open_platform


@contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed:>7,}/{task.total:<7,}"),
        TimeElapsedColumn(),
        transient=False,
    ) as progress:
        yield progress


@click.command()
@click.option("--seed", default=DEMO_SEED, show_default=True, help="Seed of the synthetic country.")
@click.option(
    "--providers", "n_providers", default=217, show_default=True, type=click.IntRange(150, 2000)
)
@click.option("--no-serve", is_flag=True, help="Build the database and stop.")
@click.option("--rebuild", is_flag=True, help="Replace an existing demo database.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(seed: int, n_providers: int, no_serve: bool, rebuild: bool, host: str, port: int) -> None:
    """Build the synthetic demo database (fictional trusts) and serve the web app.

    Generates a seeded, clearly fictional national dataset (217 trusts, July 2013 to December
    2025), loads it into the database named by SPECIALMEASURES_DATABASE_URL, prints its
    calibration counts and serves the web app unless --no-serve is given.
    """
    from specialmeasures.cli.serve import accounts_then_serve
    from specialmeasures.demo import generate
    from specialmeasures.interventions.demo_current import prepare_demo_work
    from specialmeasures.interventions.demo_load import load_interventions
    from specialmeasures.regime.nof_service import (
        demo_quarters,
        load_demo_inputs,
        score_demo_quarters,
    )
    from specialmeasures.store.loader import demo_state, load_country, reset_demo

    platform = open_platform(upgrade=True)
    try:
        state = demo_state(platform.repository)
        wanted = {"seed": str(seed), "providers": str(n_providers)}
        if state.built and not rebuild and state.matches(wanted):
            click.echo(f"Demo database already built (seed {seed}); use --rebuild to rebuild it.")
        else:
            if state.built or state.has_data:
                reset_demo(platform.repository)  # refuses real data with a one-line error
            started = time.perf_counter()
            with _progress() as progress:
                tasks: dict[str, TaskID] = {}

                def report(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = progress.add_task(stage, total=total)
                    progress.update(tasks[stage], completed=done, total=total)

                country = generate(seed, n_providers=n_providers, progress=report)
                generated = time.perf_counter()
                counts = load_country(platform.repository, country, progress=report)
                load_interventions(platform.repository, country, progress=report)
                # Synthetic NOF 2025/26 metric values (own random stream; docs/nof.md).
                load_demo_inputs(platform.repository, demo_quarters(country.end), seed)
                score_demo_quarters(
                    platform.repository, demo_quarters(country.end), datetime.now(UTC)
                )
                # The demo accounts' trust gets current work; a few sites get synthetic evidence.
                prepare_demo_work(platform.repository)
            loaded = time.perf_counter()
            click.echo(
                f"Generated in {generated - started:.1f} s and loaded in {loaded - generated:.1f} s "
                f"({counts['observations']:,} observations)."
            )
        summary = demo_state(platform.repository).summary
        click.echo("\n" + demo_state(platform.repository).label)
        for key, value in summary.items():
            click.echo(f"  {key.replace('_', ' '):<52} {value}")
        interventions = json.loads(demo_state(platform.repository).meta.get("interventions", "{}"))
        for key, value in interventions.items():
            click.echo(f"  interventions: {key.replace('_', ' '):<38} {value}")
        accounts_then_serve(platform, "Demo accounts", no_serve=no_serve, host=host, port=port)
    finally:
        platform.close()


COMMANDS = [demo]
