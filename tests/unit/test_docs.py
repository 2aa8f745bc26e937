"""Docs are tested against the code: every command, setting and route is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from specialmeasures.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def command_paths(group: click.Group, prefix: str = "specialmeasures") -> list[str]:
    paths: list[str] = []
    ctx = click.Context(group)
    # list_commands/get_command, not .commands: the root group imports its commands lazily.
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths += command_paths(command, path)
    return paths


def test_every_command_is_documented_in_cli_md() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [p for p in command_paths(cli) if f"`{p}" not in text]
    assert missing == []


def test_every_setting_is_documented() -> None:
    settings = (ROOT / "src" / "specialmeasures" / "settings.py").read_text()
    names = set(re.findall(r"SPECIALMEASURES_[A-Z_]+", settings))
    text = (DOCS / "configuration.md").read_text()
    assert names
    assert sorted(n for n in names if n not in text) == []


def test_every_web_route_is_documented() -> None:
    source = "\n".join(
        p.read_text() for p in (ROOT / "src" / "specialmeasures" / "web").rglob("*.py")
    )
    routes = set(re.findall(r'@(?:router|app)\.(?:get|post|put|delete)\(\s*"([^"]+)"', source))
    text = (DOCS / "web.md").read_text()
    assert routes
    assert sorted(r for r in routes if f"`{r}`" not in text) == []


def test_readme_shows_the_two_commands_and_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme
    assert "make test" in readme
    for doc in sorted(DOCS.glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"README does not link docs/{doc.name}"
