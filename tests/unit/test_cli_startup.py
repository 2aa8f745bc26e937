"""Command start-up: ``--version``, ``--help`` and every command's and subcommand's ``--help``
import none of the heavy libraries (an import check in a fresh process, not a timing).

scipy, pandas, pyfixest, statsmodels, matplotlib, SQLAlchemy and FastAPI each take from a few
hundred milliseconds to seconds to import on the project machine; a command imports them when it
runs, never to show its help. The second half checks that the option values kept as literals
in ``cli/_choices.py`` (so that help needs no heavy module) equal the values they stand for.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from specialmeasures.cli.main import cli

HEAVY = ("scipy", "pandas", "pyfixest", "statsmodels", "matplotlib", "sqlalchemy", "fastapi")

# Runs in a fresh interpreter: shows the help of a command and of every subcommand below it
# (groups are walked after their module is imported), then lists the heavy modules loaded.
_PROBE = r"""
import json, sys
import click
from specialmeasures.cli.main import cli

def run(args):
    try:
        cli.main(args, prog_name="specialmeasures", standalone_mode=False)
    except SystemExit:
        pass

def walk(path):
    run([*path, "--help"])
    ctx = click.Context(cli)
    command = cli
    for name in path:
        command = command.get_command(ctx, name)
        ctx = click.Context(command, parent=ctx)
    shown = [path]
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            shown += walk([*path, sub])
    return shown

args = json.loads(sys.argv[1])
shown = walk(args) if args and not args[0].startswith("-") else (run(args) or [args])
heavy = json.loads(sys.argv[2])
print(json.dumps({"shown": shown, "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


def _probe(args: list[str]) -> dict[str, list[object]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _commands() -> list[str]:
    return sorted(cli.list_commands(None))  # type: ignore[arg-type]


def test_every_command_is_probed() -> None:
    names = _commands()
    assert {"spc", "funnel", "cusum", "watchlist", "db", "serve", "import"} <= set(names)


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_top_level_imports_nothing_heavy(args: list[str]) -> None:
    assert _probe(args)["heavy"] == []


@pytest.mark.parametrize("name", _commands())
def test_command_help_imports_nothing_heavy(name: str) -> None:
    result = _probe([name])
    assert result["heavy"] == [], f"{name} --help (or a subcommand's) imported {result['heavy']}"
    assert result["shown"]


def test_option_literals_equal_their_sources() -> None:
    from specialmeasures.cli import _choices
    from specialmeasures.evaluation.events import EVENTS
    from specialmeasures.evaluation.impact import DESIGNS
    from specialmeasures.evaluation.sustainability import KM_BY
    from specialmeasures.interventions.matrix import KINDS
    from specialmeasures.monitoring.warning import DECISION_GAP_MONTHS
    from specialmeasures.regime.support_cases import PAYERS
    from specialmeasures.store.loader import DEFAULT_SEED

    assert tuple(EVENTS) == _choices.EVENTS
    assert tuple(DESIGNS) == _choices.IMPACT_DESIGNS
    assert tuple(KM_BY) == _choices.KM_BY
    assert tuple(KINDS) == _choices.INTERVENTION_KINDS
    assert DECISION_GAP_MONTHS == _choices.DECISION_GAP_MONTHS
    assert tuple(PAYERS) == _choices.PAYERS
    assert DEFAULT_SEED == _choices.DEMO_SEED
