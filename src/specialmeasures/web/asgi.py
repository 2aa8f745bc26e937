"""The web app built from the environment, for servers that start several worker processes.

``specialmeasures serve --workers N`` (or ``uvicorn --factory
specialmeasures.web.asgi:app_from_env``) imports this in each worker: every worker bootstraps
its own platform from ``SPECIALMEASURES_DATABASE_URL`` (the schema must already be current;
``serve`` migrates it once before starting them). Cached read models are per worker and keyed
on the data version in the database, so all workers drop them when the data changes.
"""

from __future__ import annotations

from fastapi import FastAPI

from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings

__all__ = ["app_from_env"]


def app_from_env() -> FastAPI:
    """Bootstrap from the environment and build the app (an ASGI application factory)."""
    from specialmeasures.cli.serve import default_today
    from specialmeasures.web.app import create_app

    platform = bootstrap(Settings.from_env(), upgrade=False)
    return create_app(platform, today=default_today(platform.repository.meta()), precompute=True)
