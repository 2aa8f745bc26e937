"""The options every recording command shares: who acts, in what role, why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from specialmeasures.interventions import Actor

F = TypeVar("F", bound=Callable[..., Any])


def actor_options(func: F) -> F:
    """Add --actor, --role and --rationale (all required) to a command."""
    for option in reversed(
        [
            click.option("--actor", required=True, help="The named person making the change."),
            click.option(
                "--role", required=True, help="Their role, e.g. 'NHSI regional director'."
            ),
            click.option("--rationale", required=True, help="Why: recorded and audited."),
        ]
    ):
        func = option(func)
    return func


def actor(name: str, role: str, rationale: str) -> Actor:
    return Actor(name, role, rationale, datetime.now(UTC).replace(tzinfo=None))
