"""Import CQC single assessment framework results (CSV): evidence category scores per quality
statement, one row per score.

Columns: ``assessment_ref, provider_code, level, assessed_on, published_on, key_question,
quality_statement, evidence_category, score``. ``level`` is ``trust_well_led`` (NHS trusts'
trust-level assessment on the eight well-led quality statements, from March 2024) or
``service``. Each assessment's key question ratings (and the overall rating when all five key
questions are scored) are computed by ``domain.saf`` and written as an inspection with source
``cqc_saf``, so that ratings in force and the policies read either framework alike.

Transactional and idempotent: any bad cell is an error naming the file, row, column and value and
nothing is written; the same file (by content) is imported once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from specialmeasures.domain import DomainError, InputError, KeyQuestion
from specialmeasures.domain.saf import (
    EVIDENCE_CATEGORIES,
    LEVELS,
    QUALITY_STATEMENTS,
    KeyQuestionResult,
    key_question_result,
    overall_result,
)
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.reviewed_csv import checked_rows
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import (
    inspections,
    providers,
    ratings,
    saf_assessments,
    saf_scores,
)

__all__ = ["COLUMNS", "SafAssessment", "SafImportResult", "import_saf", "parse_saf", "saf_view"]

COLUMNS = ("assessment_ref", "provider_code", "level", "assessed_on", "published_on",
           "key_question", "quality_statement", "evidence_category", "score")  # fmt: skip
KIND = "cqc_saf"
SOURCE = "cqc_saf"


@dataclass(slots=True)
class SafAssessment:
    """One assessment as read: its scores and the results they imply."""

    ref: str
    provider_code: str
    level: str
    assessed_on: date
    published_on: date
    first_row: int
    scores: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # kq -> qs -> cat
    results: dict[str, KeyQuestionResult] = field(default_factory=dict)
    overall: KeyQuestionResult | None = None

    def ratings(self) -> dict[KeyQuestion, int]:
        out = {KeyQuestion(kq): int(r.rating) for kq, r in self.results.items()}
        if self.overall is not None:
            out[KeyQuestion.OVERALL] = int(self.overall.rating)
        return out


@dataclass(frozen=True, slots=True)
class SafImportResult:
    file: str
    assessments: int
    scores: int
    already_imported: bool


def _date(text: str, where: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("not a date (YYYY-MM-DD)", **where, value=text) from None


def parse_saf(data: bytes, name: str) -> list[SafAssessment]:
    """Read and check every row; compute each assessment's key question results."""
    reader = checked_rows(name, data, COLUMNS)
    found: dict[str, SafAssessment] = {}
    seen: set[tuple[str, str, str]] = set()
    statements_of = {qs: kq for kq, all_qs in QUALITY_STATEMENTS.items() for qs in all_qs}
    for row_number, row in reader:

        def where(column: str, rn: int = row_number) -> dict[str, Any]:
            return {"file": name, "row": rn, "column": column}

        cell = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for c in COLUMNS:
            if not cell[c]:
                raise InputError("empty cell", **where(c), value=row.get(c))
        level = cell["level"]
        if level not in LEVELS:
            raise InputError(f"must be one of {', '.join(LEVELS)}", **where("level"), value=level)
        try:
            kq = KeyQuestion.parse(cell["key_question"])
        except DomainError:
            raise InputError("not a key question", **where("key_question"),
                             value=cell["key_question"]) from None  # fmt: skip
        if kq is KeyQuestion.OVERALL:
            raise InputError("score a key question, not overall", **where("key_question"),
                             value=cell["key_question"])  # fmt: skip
        qs = cell["quality_statement"]
        if statements_of.get(qs) != kq.value:
            raise InputError(f"not a quality statement of {kq.label.lower()}; one of "
                             f"{', '.join(QUALITY_STATEMENTS[kq.value])}",
                             **where("quality_statement"), value=qs)  # fmt: skip
        if level == "trust_well_led" and kq is not KeyQuestion.WELL_LED:
            raise InputError("a trust-level well-led assessment scores only the eight well-led "
                             "quality statements", **where("key_question"), value=kq.value)  # fmt: skip
        category = cell["evidence_category"]
        if category not in EVIDENCE_CATEGORIES:
            raise InputError(f"must be one of {', '.join(EVIDENCE_CATEGORIES)}",
                             **where("evidence_category"), value=category)  # fmt: skip
        if cell["score"] not in ("1", "2", "3", "4"):
            raise InputError("a score is a whole number from 1 to 4", **where("score"),
                             value=cell["score"])  # fmt: skip
        ref = cell["assessment_ref"]
        if len(ref) > 64:
            raise InputError("at most 64 characters", **where("assessment_ref"), value=ref)
        key = (ref, qs, category)
        if key in seen:
            raise InputError("this assessment already scores this evidence category of this "
                             "quality statement", **where("evidence_category"), value=category)  # fmt: skip
        seen.add(key)
        assessed = _date(cell["assessed_on"], where("assessed_on"))
        published = _date(cell["published_on"], where("published_on"))
        if published < assessed:
            raise InputError("published before it was assessed", **where("published_on"),
                             value=cell["published_on"])  # fmt: skip
        current = found.get(ref)
        if current is None:
            current = found[ref] = SafAssessment(ref, cell["provider_code"].upper(), level,
                                                 assessed, published, row_number)  # fmt: skip
        for column, mine, theirs in (
            ("provider_code", cell["provider_code"].upper(), current.provider_code),
            ("level", level, current.level),
            ("assessed_on", assessed, current.assessed_on),
            ("published_on", published, current.published_on),
        ):
            if mine != theirs:
                raise InputError(f"differs from row {current.first_row} of the same assessment",
                                 **where(column), value=row.get(column))  # fmt: skip
        current.scores.setdefault(kq.value, {}).setdefault(qs, {})[category] = int(cell["score"])
    if not found:
        raise InputError("no rows", file=name)
    for a in found.values():
        a.results = {kq: key_question_result(kq, s) for kq, s in a.scores.items()}
        a.overall = overall_result(a.results) if a.level == "service" else None
    return list(found.values())


def import_saf(repo: Repository, path: str | Path, *, actor: str, at: datetime) -> SafImportResult:
    """Import a SAF results file in one transaction (nothing written on any error)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", file=str(file)) from None
    assessments = parse_saf(data, str(file))
    digest = sha256_of(data)
    n_scores = sum(len(c) for a in assessments for s in a.scores.values() for c in s.values())
    with repo.transaction() as conn:
        if find_import(conn, kind=KIND, sha256=digest, sheet="") is not None:
            return SafImportResult(str(file), 0, 0, True)
        known = {r.code for r in conn.execute(select(providers.c.code))}
        existing = {r.ref for r in conn.execute(select(saf_assessments.c.ref))}
        for a in assessments:
            if a.provider_code not in known:
                raise InputError("unknown provider", file=str(file), row=a.first_row,
                                 column="provider_code", value=a.provider_code)  # fmt: skip
            if a.ref in existing:
                raise InputError("assessment already imported", file=str(file), row=a.first_row,
                                 column="assessment_ref", value=a.ref)  # fmt: skip
        import_id = record_import(conn, kind=KIND, file_name=file.name, sha256=digest, sheet="",
                                  rows_read=n_scores, rows_applied=n_scores, imported_at=at,
                                  actor=actor)  # fmt: skip
        # One publication is one inspection: assessments of a provider published the same day
        # (e.g. the trust-level well-led assessment and service assessments) rate together, so
        # the trust-level well-led assessment carries the others into force (ratings_in_force).
        published: dict[tuple[str, date], list[SafAssessment]] = defaultdict(list)
        for a in assessments:
            published[(a.provider_code, a.published_on)].append(a)
        for (code, day), group in published.items():
            merged: dict[KeyQuestion, int] = {}
            for a in group:
                for kq, value in a.ratings().items():
                    if kq in merged:
                        raise InputError(
                            f"{kq.label} is scored by two assessments of {code} published {day}",
                            file=str(file),
                            row=a.first_row,
                            column="key_question",
                            value=kq.value,
                        )
                    merged[kq] = value
            inspection_id = int(conn.execute(insert(inspections).values(
                provider_code=code, inspection_date=min(a.assessed_on for a in group),
                publication_date=day, source=SOURCE,
            )).inserted_primary_key[0])  # type: ignore[index]  # fmt: skip
            conn.execute(insert(ratings), [
                {"inspection_id": inspection_id, "key_question": kq.value, "rating": value}
                for kq, value in merged.items()
            ])  # fmt: skip
            for a in group:
                assessment_id = int(conn.execute(insert(saf_assessments).values(
                    ref=a.ref, provider_code=a.provider_code, level=a.level,
                    assessed_on=a.assessed_on, published_on=a.published_on,
                    inspection_id=inspection_id, import_id=import_id,
                )).inserted_primary_key[0])  # type: ignore[index]  # fmt: skip
                conn.execute(insert(saf_scores), [
                    {"assessment_id": assessment_id, "key_question": kq, "quality_statement": qs,
                     "evidence_category": cat, "score": score}
                    for kq, statements in a.scores.items() for qs, cats in statements.items()
                    for cat, score in cats.items()
                ])  # fmt: skip
        audit.append(conn, actor=actor, role="importer", action="import.cqc_saf",
                     entity="import", entity_key=str(import_id), payload={
                         "file": file.name, "sha256": digest, "assessments": [
                             {"ref": a.ref, "provider": a.provider_code, "level": a.level,
                              "ratings": {k.value: v for k, v in a.ratings().items()}}
                             for a in assessments],
                     }, at=at)  # fmt: skip
    return SafImportResult(str(file), len(assessments), n_scores, False)


def saf_view(repo: Repository, code: str) -> list[dict[str, Any]]:
    """A provider's SAF assessments, newest first: key question scores, ratings, positions."""
    with repo.engine.connect() as conn:
        rows = list(conn.execute(
            select(saf_assessments).where(saf_assessments.c.provider_code == code)
            .order_by(saf_assessments.c.published_on.desc(), saf_assessments.c.id.desc())
        ))  # fmt: skip
        out = []
        for a in rows:
            scores: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
            for s in conn.execute(select(saf_scores).where(saf_scores.c.assessment_id == a.id)):
                scores[s.key_question][s.quality_statement][s.evidence_category] = s.score
            results = {kq: key_question_result(kq, s) for kq, s in scores.items()}
            overall = overall_result(results) if a.level == "service" else None
            out.append({
                "ref": a.ref, "level": a.level, "assessed_on": a.assessed_on.isoformat(),
                "published_on": a.published_on.isoformat(),
                "key_questions": [r.row() for r in results.values()]
                + ([overall.row()] if overall else []),
                "statements": [
                    {"key_question": kq, "quality_statement": qs,
                     "title": QUALITY_STATEMENTS[kq][qs], "categories": dict(cats),
                     "score": results[kq].statements[qs]}
                    for kq, st in scores.items() for qs, cats in st.items()
                ],
            })  # fmt: skip
    return out
