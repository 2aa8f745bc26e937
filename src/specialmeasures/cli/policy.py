"""``specialmeasures policy list|show|validate``: the regime policies shipped as data."""

from __future__ import annotations

import click

from specialmeasures.cli._context import FORMATS, emit
from specialmeasures.rules import load_policies, load_policy, load_policy_file


@click.group()
def policy() -> None:
    """Regime policies (versioned YAML): list, show and validate them."""


@policy.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def list_policies(fmt: str) -> None:
    """List the shipped policies with their version and validity."""
    rows = [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title,
            "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat() if p.valid_to else "",
            "confidential": "yes" if p.confidential else "no",
            "rules": len(p.rules),
        }
        for p in load_policies()
    ]
    columns = ["id", "version", "title", "valid_from", "valid_to", "confidential", "rules"]
    emit(rows, columns, fmt, title="Policies")


@policy.command()
@click.argument("policy_id", metavar="ID")
def show(policy_id: str) -> None:
    """Show a policy: summary, parameters and every rule with its id."""
    p = load_policy(policy_id)
    valid_to = p.valid_to.isoformat() if p.valid_to else "further notice"
    click.echo(f"{p.id} version {p.version}: {p.title}")
    click.echo(f"valid from {p.valid_from.isoformat()} until {valid_to} (exclusive)")
    if p.confidential:
        click.echo("CONFIDENTIAL: not for publication")
    click.echo("")
    click.echo(p.summary)
    if p.parameters:
        click.echo("\nParameters:")
        for param in p.parameters.values():
            click.echo(f"  {param.name} = {param.display()} [{param.basis}] - {param.description}")
    if p.segments:
        click.echo("\nSegments:")
        for seg in p.segments:
            label = f" {seg['label']}:" if seg.get("label") else ""
            click.echo(f"  {seg['segment']}{label} {seg['definition']}")
    click.echo("\nRules:")
    for rule in p.rules:
        decided = f" (decided by {rule.decided_by})" if rule.decided_by else ""
        click.echo(f"  {rule.id} -> {rule.outcome} [{rule.basis}]{decided}: {rule.title}")


@policy.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Validate a policy file against the schema and the rule language."""
    p = load_policy_file(file)
    click.echo(f"{file}: valid ({p.id} version {p.version}, {len(p.rules)} rules)")


COMMANDS = [policy]
