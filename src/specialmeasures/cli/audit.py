"""``specialmeasures audit``: read and verify the hash-chained audit log."""

from __future__ import annotations

import click

from specialmeasures.cli._context import FORMATS, emit, open_platform
from specialmeasures.domain.errors import SpecialMeasuresError


class AuditChainBrokenError(SpecialMeasuresError):
    exit_code = 3


@click.group(name="audit")
def audit_group() -> None:
    """The append-only, hash-chained audit log of every write."""


@audit_group.command()
def verify() -> None:
    """Check the audit chain and its checkpointed head; name every altered, removed or
    reordered row (exit 3 if broken)."""
    from specialmeasures.store import audit

    platform = open_platform()
    try:
        with platform.engine.connect() as conn:
            problems = audit.verify(conn)
            count = len(audit.entries(conn))
    finally:
        platform.close()
    if problems:
        for p in problems:
            click.echo(str(p), err=True)
        raise AuditChainBrokenError(
            f"audit chain broken at {len(problems)} place(s); first: {problems[0]}"
        )
    click.echo(f"audit chain intact: {count} rows")


@audit_group.command()
def checkpoint() -> None:
    """Verify the chain, then record its head outside the database (exit 3 if broken)."""
    from specialmeasures.store import audit

    platform = open_platform()
    try:
        with platform.engine.connect() as conn:
            seal = audit.seal_of(conn)
            problems = audit.verify(conn)
            # A missing checkpoint is what this command is for; every other problem refuses.
            problems = [p for p in problems if "no checkpoint at" not in p.problem]
            if not problems:
                rows, head = audit.checkpoint(conn)
    finally:
        platform.close()
    if problems:
        for p in problems:
            click.echo(str(p), err=True)
        raise AuditChainBrokenError(
            f"audit chain broken at {len(problems)} place(s); no checkpoint written"
        )
    click.echo(f"audit checkpoint: {rows} rows, head {head[:12]}... in {seal.checkpoint_file}")


@audit_group.command(name="log")
@click.option("--entity", default=None, help="Only rows about this kind of entity (e.g. provider).")
@click.option("--key", default=None, help="Only rows about this entity key (e.g. a provider code).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def log_(entity: str | None, key: str | None, fmt: str) -> None:
    """Show audit rows, oldest first."""
    from specialmeasures.store import audit

    platform = open_platform()
    try:
        with platform.engine.connect() as conn:
            rows = audit.entries(conn, entity=entity, entity_key=key)
    finally:
        platform.close()
    emit(
        [
            {
                "seq": r.seq,
                "recorded_at": r.recorded_at.isoformat(),
                "actor": r.actor,
                "role": r.role,
                "action": r.action,
                "entity": r.entity,
                "entity_key": r.entity_key,
                "hash": r.hash[:12],
            }
            for r in rows
        ],
        ("seq", "recorded_at", "actor", "role", "action", "entity", "entity_key", "hash"),
        fmt,
        title="Audit log",
    )


COMMANDS = [audit_group]
