"""The ``specialmeasures`` command line.

Commands live in the modules of this package, one module per noun; each module exposes
``COMMANDS``, a list of click commands or groups, and is discovered here, so adding a command
never means editing this file. Errors the platform knows about (``SpecialMeasuresError``) are
printed as one line on standard error, with the error's exit code, never as a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

from specialmeasures import __version__
from specialmeasures.domain.errors import SpecialMeasuresError

__all__ = ["cli", "main"]


class _Root(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpecialMeasuresError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specialmeasures")
def cli() -> None:
    """Run and evaluate improvement regimes for struggling healthcare providers.

    Every command reads the database named by SPECIALMEASURES_DATABASE_URL (default: a SQLite
    file, ./specialmeasures.db).
    """


def _register() -> None:
    package = importlib.import_module("specialmeasures.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in {"main"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"specialmeasures.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(prog_name="specialmeasures", standalone_mode=True))
