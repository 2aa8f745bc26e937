"""Which command lives in which module, read from the modules' source without importing them.

Importing every command module at start-up would import numpy, scipy, pandas and SQLAlchemy
before ``--help`` or ``--version`` could answer. Instead each module of this package is parsed
with :mod:`ast`: its ``COMMANDS = [...]`` list names module-level functions decorated with
``@click.command(...)`` or ``@click.group(...)``, and from the decorator and the docstring we
know each command's name and one-line help. The module itself is imported only when one of its
commands runs (or shows its own ``--help``).

A module whose commands cannot be read this way (``COMMANDS`` built at run time, a name given
by a variable) is not lost: :func:`discover` reports it in ``eager`` and the group imports it at
start-up as before, only slower. ``tests/unit/test_cli_discovery.py`` fails for such a module
and checks that what is read here matches what importing the module gives.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CommandInfo", "Discovery", "command_name", "discover", "read_module"]

#: Suffixes click (8.2+) drops from a function name to name its command (``init_db_command``).
_DROPPED_SUFFIXES = frozenset({"command", "cmd", "group", "grp"})
_DECORATORS = frozenset({"command", "group"})
_SIMPLE_KEYWORDS = frozenset({"name", "help", "short_help", "hidden", "deprecated"})


@dataclass(frozen=True)
class CommandInfo:
    """A top-level command as its module's source declares it."""

    name: str
    module: str
    help: str | None
    short_help: str | None
    hidden: bool
    deprecated: bool
    is_group: bool


@dataclass(frozen=True)
class Discovery:
    """The commands read from source, and the modules that must be imported to know theirs."""

    commands: tuple[CommandInfo, ...]
    eager: tuple[str, ...]


def command_name(function_name: str) -> str:
    """The name click gives a command defined by ``function_name`` without an explicit name.

    >>> command_name("validate_early_warning"), command_name("init_db_command")
    ('validate-early-warning', 'init-db')
    """
    name = function_name.lower().replace("_", "-")
    left, sep, suffix = name.rpartition("-")
    return left if sep and suffix in _DROPPED_SUFFIXES else name


def _decorator(function: ast.FunctionDef) -> ast.Call | None:
    """The ``@click.command(...)`` / ``@click.group(...)`` call decorating ``function``."""
    for node in function.decorator_list:
        call = node if isinstance(node, ast.Call) else None
        target = call.func if call else node
        if (
            isinstance(target, ast.Attribute)
            and target.attr in _DECORATORS
            and isinstance(target.value, ast.Name)
            and target.value.id == "click"
        ):
            return call if call is not None else ast.Call(func=target, args=[], keywords=[])
    return None


def _constant(node: ast.expr) -> object:
    if not isinstance(node, ast.Constant):
        raise ValueError("not a constant")
    return node.value


def _info(module: str, function: ast.FunctionDef) -> CommandInfo | None:
    call = _decorator(function)
    if call is None:
        return None
    try:
        fields: dict[str, object] = {}
        if call.args:
            if len(call.args) > 1:
                return None
            fields["name"] = _constant(call.args[0])
        for keyword in call.keywords:
            if keyword.arg is None:
                return None  # **options: unknowable without running the module
            if keyword.arg in _SIMPLE_KEYWORDS:
                fields[keyword.arg] = _constant(keyword.value)
    except ValueError:
        return None
    name = fields.get("name")
    # The raw text, as the decorator passes it: click cleans and shortens it the same way
    # for the stand-in listed by ``--help`` as for the real command.
    help_text = fields.get("help", ast.get_docstring(function, clean=False))
    short_help = fields.get("short_help")
    if not (
        (name is None or isinstance(name, str))
        and (help_text is None or isinstance(help_text, str))
        and (short_help is None or isinstance(short_help, str))
    ):
        return None
    decorator = call.func
    assert isinstance(decorator, ast.Attribute)
    return CommandInfo(
        name=name if name is not None else command_name(function.name),
        module=module,
        help=help_text,
        short_help=short_help,
        hidden=bool(fields.get("hidden", False)),
        deprecated=bool(fields.get("deprecated", False)),
        is_group=decorator.attr == "group",
    )


def read_module(module: str, source: str) -> tuple[CommandInfo, ...] | None:
    """The commands of one module's ``COMMANDS`` list, or None if the source does not say."""
    tree = ast.parse(source)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    listed: list[ast.expr] | None = None
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if any(isinstance(t, ast.Name) and t.id == "COMMANDS" for t in targets):
            if listed is not None or not isinstance(value, ast.List | ast.Tuple):
                return None  # assigned twice or built by an expression
            listed = list(value.elts)
    if listed is None:
        return ()
    out = []
    for element in listed:
        if not isinstance(element, ast.Name) or element.id not in functions:
            return None
        info = _info(module, functions[element.id])
        if info is None:
            return None
        out.append(info)
    return tuple(out)


def discover(package: Path, package_name: str) -> Discovery:
    """Read the commands of every public module of the package at ``package``."""
    commands: list[CommandInfo] = []
    eager: list[str] = []
    for path in sorted(package.glob("*.py")):
        stem = path.stem
        if stem == "main" or stem.startswith("_"):
            continue
        module = f"{package_name}.{stem}"
        try:
            found = read_module(module, path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            found = None
        if found is None:
            eager.append(module)
        else:
            commands.extend(found)
    return Discovery(tuple(commands), tuple(eager))
