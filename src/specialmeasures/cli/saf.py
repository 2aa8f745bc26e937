"""``specialmeasures saf``: CQC single assessment framework results - import the evidence
category scores, show the key question scores, ratings and positions they imply."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import importer_option
from specialmeasures.cli._context import emit, open_platform
from specialmeasures.domain.saf import EVIDENCE_CATEGORIES, QUALITY_STATEMENTS, TRUST_WELL_LED

__all__ = ["COMMANDS", "saf"]


@click.group()
def saf() -> None:
    """CQC single assessment framework: quality statement scores, key question ratings."""


@saf.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="specialmeasures saf import", show_default=True)
@importer_option(Action.DATA_IMPORT)
def import_command(file: Path, actor: str) -> None:
    """Import assessment results (CSV, one evidence category score a row), all or nothing."""
    from specialmeasures.ingest.saf_assessments import import_saf

    platform = open_platform()
    try:
        result = import_saf(platform.repository, file, actor=actor,
                            at=datetime.now(UTC).replace(tzinfo=None))  # fmt: skip
    finally:
        platform.close()
    if result.already_imported:
        click.echo(f"{file}: already imported; nothing changed")
    else:
        click.echo(f"{file}: {result.assessments} assessments, {result.scores} scores imported")


@saf.command("show")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show_command(code: str, fmt: str) -> None:
    """A provider's SAF assessments: key question score, percentage, rating and position."""
    from specialmeasures.ingest.saf_assessments import saf_view

    platform = open_platform()
    try:
        views = saf_view(platform.repository, code.upper())
    finally:
        platform.close()
    if fmt == "json":
        click.echo(json.dumps(views, indent=2))
        return
    if not views:
        click.echo(f"{code.upper()}: no single assessment framework assessment")
    for v in views:
        click.echo(f"{v['ref']} ({v['level']}), assessed {v['assessed_on']}, published "
                   f"{v['published_on']}")  # fmt: skip
        emit(v["key_questions"], ("key_question", "statements_scored", "score", "maximum",
                                  "percentage", "rating", "position"), "table")  # fmt: skip


@saf.command("statements")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def statements_command(fmt: str) -> None:
    """The 34 quality statements by key question (the eight well-led ones are trust level)."""
    rows = [
        {
            "key_question": kq,
            "quality_statement": qs,
            "title": title,
            "trust_level": qs in TRUST_WELL_LED,
        }
        for kq, statements in QUALITY_STATEMENTS.items()
        for qs, title in statements.items()
    ]
    emit(rows, ("key_question", "quality_statement", "title", "trust_level"), fmt,
         title="Evidence categories: " + ", ".join(EVIDENCE_CATEGORIES))  # fmt: skip


COMMANDS = [saf]
