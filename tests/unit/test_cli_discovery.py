"""The command line starts without its heavy libraries, and reading commands from source
agrees with importing them: a module whose ``COMMANDS`` cannot be read from its source (or is
read wrongly) fails here, so a new command module is noticed when it is merged."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from specialmeasures.cli import main as cli_main
from specialmeasures.cli._discovery import command_name, discover, read_module

PACKAGE = Path(cli_main.__file__).parent
HEAVY = ("scipy", "pandas", "pyfixest", "sqlalchemy", "fastapi", "numpy", "matplotlib")

_PROBE = """
import json, sys
from specialmeasures.cli.main import cli
codes = [cli.main(args, prog_name="specialmeasures", standalone_mode=False)
         for args in (["--help"], ["--version"])]
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps(heavy))
"""


def test_help_and_version_import_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout.strip().splitlines()
    assert "Commands:" in done.stdout
    assert "spc" in done.stdout
    assert json.loads(out[-1]) == []


def test_every_module_is_read_from_source() -> None:
    found = discover(PACKAGE, "specialmeasures.cli")
    assert found.eager == (), (
        f"{found.eager}: COMMANDS must be a literal list of module-level functions decorated "
        "with @click.command/@click.group and constant arguments, or the CLI imports the module "
        "at start-up"
    )
    names = [info.name for info in found.commands]
    assert len(names) == len(set(names)), "two modules declare the same command"


@pytest.mark.parametrize(
    "module", sorted(info.module for info in discover(PACKAGE, "specialmeasures.cli").commands)
)
def test_source_agrees_with_the_imported_module(module: str) -> None:
    read = read_module(module, (PACKAGE / f"{module.rsplit('.', 1)[1]}.py").read_text())
    assert read is not None
    real = importlib.import_module(module).COMMANDS
    assert [i.name for i in read] == [c.name for c in real]
    for info, command in zip(read, real, strict=True):
        stand_in = cli_main._stand_in(info)
        assert stand_in.get_short_help_str(60) == command.get_short_help_str(60)
        assert info.hidden == command.hidden
        assert info.is_group == isinstance(command, click.Group)


def test_running_a_command_imports_its_module_only() -> None:
    ctx = click.Context(cli_main.cli)
    command = cli_main.cli.get_command(ctx, "spc")
    assert command is not None
    assert command.name == "spc"
    assert command is importlib.import_module("specialmeasures.cli.spc").spc


def test_help_lists_every_command_once() -> None:
    result = CliRunner().invoke(cli_main.cli, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:", 1)[1].split()
    for info in discover(PACKAGE, "specialmeasures.cli").commands:
        if not info.hidden:
            assert info.name in listed


def test_a_module_that_builds_commands_at_run_time_is_imported_eagerly(tmp_path: Path) -> None:
    (tmp_path / "built.py").write_text("import click\nCOMMANDS = [click.command('x')(print)]\n")
    (tmp_path / "plain.py").write_text(
        'import click\n\n@click.command("y-cmd", hidden=True)\ndef y():\n    """Y."""\n\n'
        "COMMANDS = [y]\n"
    )
    (tmp_path / "none.py").write_text("X = 1\n")
    found = discover(tmp_path, "pkg")
    assert found.eager == ("pkg.built",)
    assert [(i.name, i.hidden, i.help) for i in found.commands] == [("y-cmd", True, "Y.")]


def test_command_names_follow_click() -> None:
    for function in ("validate_early_warning", "db_group", "users", "init_db_cmd"):

        def f() -> None: ...

        f.__name__ = function
        assert click.command()(f).name == command_name(function)
