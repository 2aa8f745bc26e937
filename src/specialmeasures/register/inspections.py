"""Recording a CQC inspection by hand: a regulator enters a report published before CQC's
download file carries it.

The inspection is stored like an imported one (``inspections`` and ``ratings``), with source
:data:`HAND_ENTERED`, and is in force from its publication date, so every "as of" answer before
that date is unchanged. One transaction writes it and its audit row (``inspection.add``).

A later import of CQC's file recognises it: the importer groups trust ratings by (trust,
publication date), so the same ratings on the same date are skipped as already recorded, and a
different rating for that date is refused by the import, naming both (docs/ingest-cqc.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from specialmeasures.domain import DomainError, InputError, Inspection, KeyQuestion, Rating
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import inspections

__all__ = ["HAND_ENTERED", "RecordedInspection", "record_inspection"]

#: ``inspections.source`` of an inspection entered by a person from CQC's published report.
HAND_ENTERED = "cqc-report-entered"


@dataclass(frozen=True, slots=True)
class RecordedInspection:
    inspection: Inspection
    audit_seq: int

    def line(self) -> str:
        i = self.inspection
        rated = ", ".join(f"{kq.label} {r.label}" for kq, r in i.ratings.items())
        return (
            f"inspection {i.id}: {i.provider_code} inspected {i.inspection_date}, published"
            f" {i.publication_date}: {rated} (audit row {self.audit_seq})"
        )


def record_inspection(
    repository: Repository,
    *,
    provider_code: str,
    inspection_date: date,
    publication_date: date,
    ratings: Mapping[KeyQuestion, Rating],
    actor: str,
    role: str,
    rationale: str,
    recorded_at: datetime,
    account_role: str | None = None,
) -> RecordedInspection:
    """Validate and store one hand-entered inspection with its audit row, in one transaction.

    Refused (``InputError`` naming the field, nothing written): an unknown provider; no overall
    rating; a publication date after the day it is recorded (a report not yet published cannot
    be in force) or before the inspection; a provider that already has an inspection published
    that day (the ratings of one publication are entered once). With ``account_role`` (the
    acting account's permission role) the audit row carries it as the role and ``role`` (the
    office) as ``office``, as every other recorded change does.
    """
    code = provider_code.strip().upper()
    repository.provider(code)
    if not role or not role.strip():
        raise InputError("must be non-empty text", column="role", value=role)
    if not rationale or not rationale.strip():
        raise InputError("must be non-empty text", column="rationale", value=rationale)
    if len(rationale) > 20_000:
        raise InputError("must be 20,000 characters or fewer", column="rationale")
    if KeyQuestion.OVERALL not in ratings:
        raise InputError("the overall rating is required", column="overall")
    if publication_date > recorded_at.date():
        raise InputError(
            f"is after today ({recorded_at.date()}): record a report once it is published",
            column="publication_date",
            value=publication_date.isoformat(),
        )
    try:
        inspection = Inspection(
            code, inspection_date, publication_date, dict(ratings), HAND_ENTERED
        )
    except DomainError as error:
        raise InputError(error.rule, column=error.field.removeprefix("inspection."),
                         value=str(error.value)) from None  # fmt: skip
    with repository.transaction() as conn:
        same_day = conn.execute(
            select(inspections.c.id, inspections.c.source).where(
                inspections.c.provider_code == code,
                inspections.c.publication_date == publication_date,
            )
        ).first()
        if same_day is not None:
            raise InputError(
                f"{code} already has inspection {same_day.id} published on this day"
                f" (source {same_day.source}); a publication's ratings are entered once",
                column="publication_date",
                value=publication_date.isoformat(),
            )
        repository.add_inspections(conn, [inspection])
        new_id = conn.execute(
            select(inspections.c.id)
            .where(
                inspections.c.provider_code == code,
                inspections.c.publication_date == publication_date,
            )
            .order_by(inspections.c.id.desc())
        ).scalar_one()
        entry = audit.append(
            conn,
            actor=actor,
            role=account_role or role,
            action="inspection.add",
            entity="provider",
            entity_key=code,
            payload={
                "inspection_id": int(new_id),
                "inspection_date": inspection_date.isoformat(),
                "publication_date": publication_date.isoformat(),
                "ratings": {kq.value: r.label for kq, r in inspection.ratings.items()},
                "source": HAND_ENTERED,
                "rationale": rationale,
                **({"office": role} if account_role else {}),
            },
            at=recorded_at,
        )
    stored = Inspection(
        code, inspection_date, publication_date, dict(inspection.ratings), HAND_ENTERED,
        int(new_id),
    )  # fmt: skip
    return RecordedInspection(stored, entry.seq)
