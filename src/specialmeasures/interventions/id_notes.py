"""Improvement Director notes: what a Director records about their trust, confidential.

Only roles allowed ``id_notes.read`` for the trust may read a note (regulators, and the trust's
own Improvement Director); only the trust's own Director writes one (``id_notes.write``). The
audit row of a note names the trust, the note's id and date and the author, never its text: the
audit log is read by administrators, who may not read the notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select

from specialmeasures.domain import InputError
from specialmeasures.domain._checks import require_text
from specialmeasures.interventions._common import Actor, check_provider, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import id_notes

__all__ = ["NOTE_MAX_LENGTH", "IdNote", "add_note", "notes"]

#: The longest note, in characters (a page of prose; a longer record belongs in a document).
NOTE_MAX_LENGTH = 20_000


@dataclass(frozen=True, slots=True)
class IdNote:
    id: int
    provider_code: str
    noted_on: date
    body: str
    author: str
    recorded_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "provider_code": self.provider_code,
            "noted_on": self.noted_on.isoformat(),
            "body": self.body,
            "author": self.author,
            "recorded_at": self.recorded_at.isoformat(),
        }


def add_note(repository: Repository, code: str, noted_on: date, body: str, who: Actor) -> int:
    """Record a Director's note about trust ``code`` (audited without its text); its id."""
    code = code.strip().upper()
    text = require_text("note", body.strip(), max_length=NOTE_MAX_LENGTH)
    if noted_on > who.at.date():
        raise InputError("the note's date is in the future", column="on", value=noted_on)
    at = who.at.replace(tzinfo=None)
    with repository.transaction() as conn:
        check_provider(conn, code)
        key = conn.execute(
            insert(id_notes).values(
                provider_code=code, noted_on=noted_on, body=text, author=who.name[:300],
                recorded_at=at,
            )
        ).inserted_primary_key  # fmt: skip
        assert key is not None
        note_id = int(key[0])
        record(conn, who, "id_note.added", "provider", code,
               {"note": note_id, "noted_on": noted_on, "characters": len(text)})  # fmt: skip
    return note_id


def notes(repository: Repository, code: str) -> list[IdNote]:
    """The notes about trust ``code``, newest first. The caller has checked ``id_notes.read``."""
    with repository.engine.connect() as conn:
        rows = conn.execute(
            select(id_notes)
            .where(id_notes.c.provider_code == code.strip().upper())
            .order_by(id_notes.c.noted_on.desc(), id_notes.c.id.desc())
        ).mappings()
        return [IdNote(r["id"], r["provider_code"], r["noted_on"], r["body"], r["author"],
                       r["recorded_at"]) for r in rows]  # fmt: skip
