"""``specialmeasures serve``: the web application on Uvicorn."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import click

from specialmeasures.cli._context import open_platform

if TYPE_CHECKING:
    from specialmeasures.bootstrap import Platform

#: Seconds a worker may take to answer the supervisor's health check (``--workers`` > 1).
HEALTHCHECK_SECONDS = 120


def default_today(
    meta: Mapping[str, str], clock: Callable[[], date] = date.today
) -> Callable[[], date]:
    """The pages' default "as of" date: today, or a synthetic demo's last month if earlier."""
    data_end = meta.get("period_end") if meta.get("synthetic") == "true" else None

    def today() -> date:
        now = clock()
        return min(now, date.fromisoformat(data_end)) if data_end else now

    return today


def run_server(platform: Platform, host: str, port: int) -> None:
    """Serve the web app over ``platform`` until interrupted."""
    import uvicorn

    from specialmeasures.web.app import create_app

    app = create_app(platform, today=default_today(platform.repository.meta()), precompute=True)
    click.echo(f"Serving specialmeasures on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Worker processes (they share computed read models through the database).",
)  # fmt: skip
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application (migrates the database to the newest schema first)."""
    platform = open_platform(upgrade=True)
    if workers > 1:
        import uvicorn

        platform.close()
        click.echo(f"Serving specialmeasures on http://{host}:{port}/ with {workers} workers")
        # A worker computing a watch list holds the GIL for seconds at a time; uvicorn's default
        # health check (5 s) would take it for hung and restart it mid-request.
        uvicorn.run(
            "specialmeasures.web.asgi:app_from_env", factory=True, host=host, port=port,
            workers=workers, log_level="warning", timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
        )  # fmt: skip
        return
    try:
        run_server(platform, host, port)
    finally:
        platform.close()


def accounts_then_serve(
    platform: Platform, heading: str, *, no_serve: bool, host: str, port: int
) -> None:
    """Make one account per role with a fresh password, print them, then serve the database
    (or say how to): the last step of ``demo`` and ``real``."""
    from specialmeasures.access import create_demo_accounts

    click.echo(f"\n{heading}, one per role (new passwords on every run; sign in at /login):")
    for username, password, role, scope in create_demo_accounts(platform.repository):
        shown = f"  scope: {', '.join(scope)}" if scope else ""
        click.echo(f"  {role.value:<26} {username:<30} {password}{shown}")
    if no_serve:
        click.echo("\nDatabase ready. Serve it with: specialmeasures serve")
        return
    click.echo("")
    run_server(platform, host, port)


COMMANDS = [serve]
