"""``specialmeasures id-notes``: Improvement Director notes about a trust (confidential).

``add`` acts as the trust's own Improvement Director (``id_notes.write``); ``list`` as an
account allowed ``id_notes.read`` for the trust (a regulator, or the trust's Director), and the
read is written to the audit log as on the web.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from specialmeasures.access import Action
from specialmeasures.cli._actor import ACCOUNT_ENV, _authorise, actor, actor_options
from specialmeasures.cli._context import FORMATS, DateParam, emit, open_platform


@click.group(name="id-notes")
def id_notes() -> None:
    """Improvement Director notes: confidential to the trust's Director and the regulator."""


@id_notes.command("add")
@click.argument("code")
@click.option("--on", "noted_on", type=DateParam(), required=True, help="YYYY-MM-DD.")
@click.option("--text", required=True, help="The note.")
@actor_options(Action.ID_NOTES_WRITE)
def add(code: str, noted_on: date, text: str, **who: str) -> None:
    """Record a note about trust CODE (as its Improvement Director)."""
    from specialmeasures.interventions.id_notes import add_note

    platform = open_platform()
    try:
        note_id = add_note(platform.repository, code, noted_on, text,
                           actor(who["actor"], who["role"], who["rationale"]))  # fmt: skip
    finally:
        platform.close()
    click.echo(f"note {note_id}: {code.upper()} {noted_on.isoformat()}")


@id_notes.command("list")
@click.argument("code")
@click.option("--as", "acting_as", envvar=ACCOUNT_ENV, show_envvar=True, required=True,
              metavar="USERNAME", help="The account reading; its role must permit it.")  # fmt: skip
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def list_notes(code: str, acting_as: str, fmt: str) -> None:
    """Trust CODE's notes, newest first (audited as a confidential read)."""
    from specialmeasures.interventions.id_notes import notes
    from specialmeasures.store import audit

    account = _authorise(acting_as, Action.ID_NOTES_READ, code)
    platform = open_platform()
    try:
        found = notes(platform.repository, code)
        with platform.repository.transaction() as conn:
            audit.append(conn, actor=account.username, role=account.role.value,
                         action=f"read.{Action.ID_NOTES_READ.value}", entity="provider",
                         entity_key=code.upper(), payload={"via": "cli"},
                         at=datetime.now(UTC).replace(tzinfo=None))  # fmt: skip
    finally:
        platform.close()
    rows = [{k: v for k, v in n.as_dict().items() if k != "provider_code"} for n in found]
    emit(rows, ["id", "noted_on", "author", "recorded_at", "body"], fmt,
         title=f"Improvement Director notes: {code.upper()} (CONFIDENTIAL)")  # fmt: skip


COMMANDS = [id_notes]
