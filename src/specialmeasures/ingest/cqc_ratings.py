"""Import CQC's public "Latest ratings" download: NHS trusts, their ratings, and their history.

Each file is a snapshot of the ratings in force when it was published. Importing successive
snapshots builds a history: trust-level ratings are grouped by (trust, publication date) into
one ``inspections`` row each (source ``cqc-latest-ratings``); a rating seen again with the same
date is recognised and not duplicated; a new publication date is a new publication. Which rows
count and which are skipped, and the placeholders used for what the file lacks, are described
in ``docs/ingest-cqc.md``.

The import is one transaction: any bad row raises ``InputError`` naming the file, row, column
and value, and the database is left exactly as it was. Re-importing the same file (same SHA-256
and sheet) changes nothing and says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from specialmeasures.domain import (
    DomainError,
    InputError,
    Inspection,
    KeyQuestion,
    Provider,
    ProviderType,
    Rating,
    Setting,
    SpecialMeasuresError,
)
from specialmeasures.ingest.cqc_layout import (
    LOCATIONS,
    PROVIDERS,
    CqcRow,
    Header,
    find_header,
    nhs_trust_row,
    parse_record,
    records,
)
from specialmeasures.ingest.cqc_sheet import read_grid
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.validation import DateWindow, read_bytes
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import (
    dataset_meta,
    inspections,
    location_ratings,
    providers,
    ratings,
)

__all__ = [
    "CATEGORY_TYPES",
    "IMPORT_KIND",
    "INSPECTION_SOURCE",
    "UNRECORDED",
    "ImportReport",
    "import_cqc_ratings",
    "provider_type_for",
]

IMPORT_KIND = "cqc-ratings"
#: ``inspections.source`` of trust ratings read from the download.
INSPECTION_SOURCE = "cqc-latest-ratings"
#: Placeholder for provider fields the download does not carry (local system; region if absent).
UNRECORDED = "not recorded"
#: ``Provider Primary Inspection Category`` -> provider type, first match wins (order matters:
#: "non-specialist" before "specialist", "mental health" before "community").
CATEGORY_TYPES: tuple[tuple[str, ProviderType], ...] = (
    ("ambulance", ProviderType.AMBULANCE),
    ("mental health", ProviderType.MENTAL_HEALTH),
    ("non-specialist", ProviderType.ACUTE),
    ("specialist", ProviderType.SPECIALIST),
    ("acute", ProviderType.ACUTE),
    ("community", ProviderType.COMMUNITY),
)

Progress = Callable[[str, int, int], None]

SKIP_NOT_NHS = "not an NHS trust (Provider Type)"
SKIP_SERVICE_LEVEL = "service / population group rows (trust ratings use Overall only)"
SKIP_NOT_RATED = "Not applicable / Not Rated"
SKIP_SAME_IN_FILE = "repeated in the file with the same rating"
SKIP_KNOWN = "already recorded by an earlier import"
SKIP_UNKNOWN_PROVIDER = "location of a provider not in the register"


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import read, applied and skipped (and why)."""

    file: str
    sheet: str
    layout: str
    sha256: str
    rows_read: int
    rows_applied: int
    skipped: dict[str, int] = field(default_factory=dict)
    providers_created: tuple[str, ...] = ()
    inspections_added: int = 0
    ratings_added: int = 0
    location_ratings_added: int = 0
    already_imported: bool = False
    import_id: int | None = None
    previous_import_at: datetime | None = None


def provider_type_for(category: str) -> ProviderType | None:
    """Map a CQC primary inspection category to a provider type (None when no rule matches)."""
    text = " ".join(category.split()).lower()
    for needle, kind in CATEGORY_TYPES:
        if needle in text:
            return kind
    return None


def import_cqc_ratings(
    repo: Repository,
    path: Path,
    *,
    actor: str,
    at: datetime,
    sheet: str | None = None,
    progress: Progress | None = None,
    window: DateWindow | None = None,
) -> ImportReport:
    """Import one CQC ratings file (one sheet) in one transaction; see the module docstring.

    Publication dates outside ``window`` (default: 5 July 1948 to a year after ``at``) are
    refused, as is every fault ``ingest/validation.py`` checks for.
    """
    report = progress or (lambda _stage, _done, _total: None)
    dates = window or DateWindow.around(at.date())
    data = read_bytes(path)
    digest = sha256_of(data)
    grid = read_grid(path, data, sheet)
    header = find_header(grid.file, grid.rows, sheet)
    raw = list(records(grid.file, grid.rows, header))
    if not raw:
        raise InputError(
            "has a header but no data rows (nothing to read; nothing is recorded)",
            file=grid.file,
            row=header.row,
        )
    with repo.transaction() as conn:
        _refuse_synthetic_database(conn)
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=digest, sheet=header.sheet)
        if earlier is not None:
            return ImportReport(
                file=grid.file,
                sheet=header.sheet,
                layout=header.layout,
                sha256=digest,
                rows_read=earlier.rows_read,
                rows_applied=0,
                already_imported=True,
                import_id=earlier.id,
                previous_import_at=earlier.imported_at,
            )
        plan = _Plan(grid.file, header, dates)
        known_codes = set(conn.execute(select(providers.c.code)).scalars())
        for done, (row, cells) in enumerate(raw, start=1):
            plan.read(row, cells, known_codes)
            if done % 1_000 == 0 or done == len(raw):
                report("Reading rows", done, len(raw))
        if header.sheet == PROVIDERS:
            _apply_providers(repo, conn, plan, known_codes, report)
        else:
            _apply_locations(conn, plan, report)
        import_id = record_import(
            conn,
            kind=IMPORT_KIND,
            file_name=grid.file,
            sha256=digest,
            sheet=header.sheet,
            rows_read=len(raw),
            rows_applied=plan.applied,
            imported_at=at,
            actor=actor,
        )
        if plan.location_rows_to_add:
            conn.execute(
                insert(location_ratings),
                [{**r, "import_id": import_id} for r in plan.location_rows_to_add],
            )
        result = ImportReport(
            file=grid.file,
            sheet=header.sheet,
            layout=header.layout,
            sha256=digest,
            rows_read=len(raw),
            rows_applied=plan.applied,
            skipped=dict(plan.skipped),
            providers_created=tuple(plan.created),
            inspections_added=plan.inspections_added,
            ratings_added=plan.ratings_added,
            location_ratings_added=len(plan.location_rows_to_add),
            import_id=import_id,
        )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.cqc_ratings",
            entity="import",
            entity_key=str(import_id),
            payload={
                "file": grid.file,
                "sha256": digest,
                "sheet": header.sheet,
                "layout": header.layout,
                "rows_read": len(raw),
                "rows_applied": plan.applied,
                "skipped": dict(plan.skipped),
                "providers_created": list(plan.created),
                "inspections_added": plan.inspections_added,
                "ratings_added": plan.ratings_added,
                "location_ratings_added": len(plan.location_rows_to_add),
            },
            at=at,
        )
        return result


def _refuse_synthetic_database(conn: Connection) -> None:
    synthetic = conn.execute(
        select(dataset_meta.c.value).where(dataset_meta.c.key == "synthetic")
    ).scalar_one_or_none()
    if synthetic == "true":
        raise SpecialMeasuresError(
            "the database holds the synthetic demo; real CQC ratings are never mixed with it "
            "(point SPECIALMEASURES_DATABASE_URL at another database to import them)"
        )


class _Plan:
    """Rows read from the file, filtered, de-duplicated and validated, before any write."""

    def __init__(self, file: str, header: Header, window: DateWindow) -> None:
        self.file = file
        self.header = header
        self.window = window
        self.rows: list[CqcRow] = []
        self.first_of_key: dict[tuple[str, str, KeyQuestion, date], CqcRow] = {}
        self.skipped: Counter[str] = Counter()
        self.created: list[str] = []
        self.applied = 0
        self.inspections_added = 0
        self.ratings_added = 0
        self.location_rows_to_add: list[dict[str, object]] = []

    def read(self, row: int, cells: dict[str, str], known_codes: set[str]) -> None:
        if self.header.sheet == PROVIDERS and not nhs_trust_row(cells):
            self.skipped[SKIP_NOT_NHS] += 1
            return
        parsed = parse_record(self.file, row, cells, self.header, self.window)
        seen = self.first_of_key.get(parsed.key)
        if seen is not None:
            if seen.rating_text.lower() != parsed.rating_text.lower():
                raise InputError(
                    f"duplicate key ({parsed.entity_id}, {parsed.service_group}, "
                    f"{parsed.key_question.label}, {parsed.published:%d/%m/%Y}) with a rating "
                    f"that differs from row {seen.row} ({seen.rating_text!r})",
                    file=self.file,
                    row=row,
                    column=self.header.shown("Latest Rating"),
                    value=parsed.rating_text,
                )
            self.skipped[SKIP_SAME_IN_FILE] += 1
            return
        self.first_of_key[parsed.key] = parsed
        if self.header.sheet == LOCATIONS:
            if parsed.provider_id not in known_codes:
                self.skipped[SKIP_UNKNOWN_PROVIDER] += 1
                return
        elif not parsed.is_own_rating:
            self.skipped[SKIP_SERVICE_LEVEL] += 1
            return
        elif parsed.rating is None:
            self.skipped[SKIP_NOT_RATED] += 1
            return
        self.rows.append(parsed)

    def fail(self, row: CqcRow, column: str, value: object, message: str) -> InputError:
        return InputError(
            message, file=self.file, row=row.row, column=self.header.shown(column), value=value
        )


def _new_provider(plan: _Plan, row: CqcRow) -> Provider:
    kind = provider_type_for(row.primary_category)
    if kind is None:
        raise plan.fail(
            row,
            "Provider Primary Inspection Category",
            row.primary_category,
            "maps to no provider type (see CATEGORY_TYPES in ingest/cqc_ratings.py)",
        )
    try:
        return Provider(
            code=row.provider_id,
            name=row.provider_name or row.provider_id,
            type=kind,
            teaching=False,  # not in the file; False means "not recorded as teaching"
            setting=Setting.UNKNOWN,
            region=row.region or UNRECORDED,
            system=UNRECORDED,
            synthetic=False,
        )
    except DomainError as error:
        column = {"provider.code": "Provider ID", "provider.name": "Provider Name"}.get(
            error.field, "Provider ID"
        )
        raise plan.fail(row, column, error.value, error.rule) from None


def _apply_providers(
    repo: Repository, conn: Connection, plan: _Plan, known_codes: set[str], report: Progress
) -> None:
    synthetic = set(conn.execute(select(providers.c.code).where(providers.c.synthetic)).scalars())
    new: dict[str, Provider] = {}
    groups: dict[tuple[str, date], list[CqcRow]] = defaultdict(list)
    for row in plan.rows:
        if row.provider_id in synthetic:
            raise plan.fail(
                row,
                "Provider ID",
                row.provider_id,
                "is a synthetic (fictional) provider in this database; real ratings are never "
                "attached to it",
            )
        if row.provider_id not in known_codes and row.provider_id not in new:
            new[row.provider_id] = _new_provider(plan, row)
        groups[(row.provider_id, row.published)].append(row)
    if new:
        repo.add_providers(conn, new.values())
        plan.created = sorted(new)
    existing = _existing_ratings(conn, {code for code, _ in groups})
    to_create: list[Inspection] = []
    for done, ((code, published), rows) in enumerate(sorted(groups.items()), start=1):
        recorded = existing.get((code, published))
        fresh: dict[KeyQuestion, Rating] = {}
        for row in rows:
            assert row.rating is not None
            if recorded is not None and row.key_question in recorded.ratings:
                if recorded.ratings[row.key_question] != row.rating:
                    raise plan.fail(
                        row,
                        "Latest Rating",
                        row.rating_text,
                        f"conflicts with the {recorded.ratings[row.key_question].label!r} "
                        f"{row.key_question.label} rating published "
                        f"{published:%d/%m/%Y} already recorded for {code}",
                    )
                plan.skipped[SKIP_KNOWN] += 1
                continue
            fresh[row.key_question] = row.rating
        if not fresh:
            continue
        plan.applied += len(fresh)
        plan.ratings_added += len(fresh)
        if recorded is None:
            # The download has no inspection date: the publication date stands in for it.
            to_create.append(Inspection(code, published, published, fresh, INSPECTION_SOURCE))
        else:
            conn.execute(
                insert(ratings),
                [
                    {"inspection_id": recorded.id, "key_question": kq.value, "rating": int(r)}
                    for kq, r in fresh.items()
                ],
            )
        if done % 500 == 0 or done == len(groups):
            report("Applying ratings", done, len(groups))
    plan.inspections_added = repo.add_inspections(conn, to_create)


@dataclass(slots=True)
class _Recorded:
    id: int
    ratings: dict[KeyQuestion, Rating]


def _existing_ratings(conn: Connection, codes: Iterable[str]) -> dict[tuple[str, date], _Recorded]:
    """Ratings already recorded for these trusts, by (trust, publication date).

    Several inspections on one date (CQC's same-day publications) are merged; new ratings for
    that date are added to the first of them.
    """
    out: dict[tuple[str, date], _Recorded] = {}
    code_list = sorted(codes)
    for start in range(0, len(code_list), 500):
        query = (
            select(
                inspections.c.id,
                inspections.c.provider_code,
                inspections.c.publication_date,
                ratings.c.key_question,
                ratings.c.rating,
            )
            .join(ratings, ratings.c.inspection_id == inspections.c.id)
            .where(inspections.c.provider_code.in_(code_list[start : start + 500]))
            .order_by(inspections.c.id)
        )
        for inspection_id, code, published, question, rating in conn.execute(query):
            entry = out.setdefault((code, published), _Recorded(int(inspection_id), {}))
            entry.ratings.setdefault(KeyQuestion(question), Rating(rating))
    return out


def _apply_locations(conn: Connection, plan: _Plan, report: Progress) -> None:
    codes = sorted({row.provider_id for row in plan.rows})
    existing: set[tuple[str, str, str, date]] = set()
    for start in range(0, len(codes), 500):
        query = select(
            location_ratings.c.location_id,
            location_ratings.c.service_group,
            location_ratings.c.key_question,
            location_ratings.c.publication_date,
        ).where(location_ratings.c.provider_code.in_(codes[start : start + 500]))
        existing.update((a, b.lower(), c, d) for a, b, c, d in conn.execute(query))
    for done, row in enumerate(plan.rows, start=1):
        key = (row.location_id, row.service_group.lower(), row.key_question.value, row.published)
        if key in existing:
            plan.skipped[SKIP_KNOWN] += 1
            continue
        plan.location_rows_to_add.append(
            {
                # parse_record refused any text longer than its column: nothing is cut here.
                "location_id": row.location_id,
                "location_name": row.location_name or row.location_id,
                "provider_code": row.provider_id,
                "service_group": row.service_group,
                "key_question": row.key_question.value,
                "rating": None if row.rating is None else int(row.rating),
                "rating_text": row.rating_text,
                "publication_date": row.published,
                "report_type": row.report_type,
            }
        )
        plan.applied += 1
        if done % 1_000 == 0 or done == len(plan.rows):
            report("Applying location ratings", done, len(plan.rows))
