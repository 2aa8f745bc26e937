"""The ``specialmeasures`` command line.

Commands live in the modules of this package, one module per noun; each module exposes
``COMMANDS``, a list of click commands or groups, and is discovered here, so adding a command
never means editing this file. Discovery reads each module's source (``_discovery``) instead of
importing it, so ``--help`` and ``--version`` answer without loading numpy, pandas or
SQLAlchemy; a command's module is imported when that command runs. Errors the platform knows
about (``SpecialMeasuresError``) are printed as one line on standard error, with the error's
exit code, never as a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from specialmeasures import __version__
from specialmeasures.cli._discovery import CommandInfo, discover
from specialmeasures.domain.errors import SpecialMeasuresError

__all__ = ["cli", "main"]


class _Root(click.Group):
    """A group whose commands are imported from their modules on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, CommandInfo] = {}
        self._listing = False
        self._discovered = False

    def _discover(self) -> None:
        """Read the command modules' source once, when a command or the list is first wanted
        (``--version`` answers before that, without parsing them)."""
        if not self._discovered:
            self._discovered = True
            _register(self)

    def add_lazy(self, info: CommandInfo) -> None:
        self.lazy.setdefault(info.name, info)

    def load_module(self, module: str) -> None:
        """Import a command module and add every command of its ``COMMANDS``."""
        for command in getattr(importlib.import_module(module), "COMMANDS", []):
            self.add_command(command)
        for name in [n for n, info in self.lazy.items() if info.module == module]:
            del self.lazy[name]

    def load_all(self) -> None:
        """Import every command module (for tools that walk the whole command tree)."""
        self._discover()
        for module in sorted({info.module for info in self.lazy.values()}):
            self.load_module(module)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._discover()
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._discover()
        if cmd_name not in self.commands and cmd_name in self.lazy:
            info = self.lazy[cmd_name]
            if self._listing:
                return _stand_in(info)
            self.load_module(info.module)
        return self.commands.get(cmd_name)

    @contextmanager
    def _stand_ins(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The command list of --help needs names and one-line help only: stand-ins built from
        # the source, not the modules.
        with self._stand_ins():
            super().format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpecialMeasuresError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)


def _stand_in(info: CommandInfo) -> click.Command:
    return click.Command(
        info.name,
        help=info.help,
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
    )


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specialmeasures")
def cli() -> None:
    """Run and evaluate improvement regimes for struggling healthcare providers.

    Every command reads the database named by SPECIALMEASURES_DATABASE_URL (default: a SQLite
    file, ./specialmeasures.db).
    """


def _register(root: _Root) -> None:
    found = discover(Path(__file__).parent, __package__ or "specialmeasures.cli")
    for info in found.commands:
        root.add_lazy(info)
    # Modules whose commands cannot be read from source are imported now, as they always were;
    # so is every module when there is no source to read (an install of compiled files only).
    eager = list(found.eager)
    if not found.commands and not eager:
        import pkgutil

        eager = [
            f"{__package__}.{m.name}"
            for m in pkgutil.iter_modules([str(Path(__file__).parent)])
            if m.name != "main" and not m.name.startswith("_")
        ]
    for module in eager:
        root.load_module(module)


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(prog_name="specialmeasures", standalone_mode=True))
