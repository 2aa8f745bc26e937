"""Long commands show progress on a terminal, after a delay, and nothing otherwise."""

from __future__ import annotations

import io
import time

import pytest
from click.testing import CliRunner
from rich.console import Console

from specialmeasures.cli._progress import working
from specialmeasures.cli.main import cli


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=100), out


def test_slow_work_on_a_terminal_shows_progress() -> None:
    console, out = _console(terminal=True)
    with working("Screening providers", after=0.05, console=console) as update:
        time.sleep(0.4)
        update(3, 10)
        time.sleep(0.2)
    assert "Screening providers" in out.getvalue()


@pytest.mark.parametrize(("terminal", "quiet", "after"), [(False, False, 0.0), (True, True, 0.0),
                                                          (True, False, 5.0)])  # fmt: skip
def test_no_terminal_quiet_or_quick_work_shows_nothing(
    terminal: bool, quiet: bool, after: float
) -> None:
    console, out = _console(terminal=terminal)
    with working("Screening providers", quiet=quiet, after=after, console=console) as update:
        time.sleep(0.2)
        update(1, 2)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    "command", ["watchlist", "validate-early-warning", "impact", "balancing", "backtest"]
)
def test_long_commands_take_quiet(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "--quiet" in result.output
