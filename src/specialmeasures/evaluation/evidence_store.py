"""Qualitative evidence in the store: CSV import (checked in full first, then written in one
transaction with an audit entry; re-importing a record's ``ref`` replaces it) and reads.

Two CSV layouts, told apart by their header:

* evidence: ``ref, site, date, source_type, tier, title, rap_<heading>... , quote, codes``
  (``codes`` separated by ``;``; ``quote`` may hold several quotes separated by ``||``; ``site``
  a provider code, or ``national`` for evidence about the regime as a whole);
* codebook: ``code, family, label, description`` (adds or updates framework codes).

Errors are ``InputError`` naming the file, row (header = row 1), column and value; on any error
nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, delete, insert, select

from specialmeasures.domain import InputError
from specialmeasures.evaluation.evidence import (
    DEFAULT_FRAMEWORK,
    FAMILIES,
    RAP_HEADINGS,
    SOURCE_TYPES,
    TIERS,
    Code,
    EvidenceRecord,
)
from specialmeasures.ingest.validation import (
    CsvRow,
    CsvTable,
    DateWindow,
    check_text,
    csv_table,
    decode,
    parse_csv,
    read_bytes,
)
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import evidence_codes, evidence_codings, evidence_sources

__all__ = ["EVIDENCE_COLUMNS", "NATIONAL", "import_evidence", "load_codes", "load_records"]

#: The ``site`` of a national-level record (interviews and documents not about one trust).
NATIONAL = "national"
EVIDENCE_COLUMNS = ("ref", "site", "date", "source_type", "tier", "title",
                    *(f"rap_{h}" for h in RAP_HEADINGS), "quote", "codes")  # fmt: skip
CODEBOOK_COLUMNS = ("code", "family", "label", "description")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
#: Columns of free prose, where a line break inside a quoted cell is kept.
PROSE = frozenset({"description", "quote", *(f"rap_{h}" for h in RAP_HEADINGS)})


def _read(path: Path, content: bytes | None = None) -> CsvTable:
    """The file through the one validation layer (encoding, structure, header, widths);
    ``content`` is an uploaded file's bytes (``path`` then only names it in errors)."""
    file = str(path)
    text = decode(file, read_bytes(path) if content is None else content)
    return csv_table(file, parse_csv(file, text), multiline=PROSE)


def _ensure_framework(conn: Connection) -> dict[str, Code]:
    have = {r.code: Code(r.code, r.family, r.label, r.description)
            for r in conn.execute(select(evidence_codes))}  # fmt: skip
    missing = [c for c in DEFAULT_FRAMEWORK if c.code not in have]
    if missing:
        conn.execute(
            insert(evidence_codes),
            [
                {"code": c.code, "family": c.family, "label": c.label,
                 "description": c.description}
                for c in missing
            ],
        )  # fmt: skip
        have.update({c.code: c for c in missing})
    return have


def _text(row: CsvRow, column: str, target: Column[Any] | None = None) -> str:
    return check_text(row.cell(column), file=row.file, row=row.number, column=column,
                      target=target, multiline=column in PROSE)  # fmt: skip


def _require(table: CsvTable, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.header]
    if missing:
        raise InputError(f"the header has no {', '.join(map(repr, missing))} column(s)",
                         file=table.file, row=table.header_row, column=missing[0])  # fmt: skip


def _parse_codebook(table: CsvTable) -> list[Code]:
    _require(table, CODEBOOK_COLUMNS)
    out = []
    for row in table.rows:
        code = row.cell("code")
        if not _CODE.match(code):
            raise row.fail("code", "must be lower-case letters, digits and _")
        family = row.cell("family")
        if family not in FAMILIES:
            raise row.fail("family", f"must be one of {', '.join(FAMILIES)}")
        label = _text(row, "label", evidence_codes.c.label)
        if not label:
            raise row.fail("label", "is required")
        out.append(Code(code, family, label, _text(row, "description")))
    return out


def _parse_evidence(
    table: CsvTable, sites: set[str], codes: set[str], window: DateWindow
) -> list[EvidenceRecord]:
    _require(table, EVIDENCE_COLUMNS)
    out: list[EvidenceRecord] = []
    seen: set[str] = set()
    for row in table.rows:
        ref = row.cell("ref")
        if not ref or len(ref) > 64:
            raise row.fail("ref", "is required (at most 64 characters)")
        if ref in seen:
            raise row.fail("ref", "appears twice in the file")
        seen.add(ref)
        site = row.cell("site").upper()
        if site == NATIONAL.upper():  # national-level evidence: about the regime, not one trust
            site = ""
        elif site not in sites:
            raise row.fail("site", "is not a provider code in the register (or 'national')",
                           site)  # fmt: skip
        raw_date = row.cell("date")
        try:
            collected = date.fromisoformat(raw_date)
        except ValueError:
            raise row.fail("date", "must be a date YYYY-MM-DD") from None
        window.check(collected, file=row.file, row=row.number, column="date", shown_as=raw_date)
        source_type = row.cell("source_type").lower()
        if source_type not in SOURCE_TYPES:
            raise row.fail("source_type", f"must be one of {', '.join(SOURCE_TYPES)}")
        tier = row.cell("tier").lower()
        if tier not in TIERS:
            raise row.fail("tier", f"must be one of {', '.join(TIERS)}")
        title = _text(row, "title", evidence_sources.c.title)
        if not title:
            raise row.fail("title", "is required (at most 300 characters)")
        found = [c.strip() for c in row.cell("codes").split(";") if c.strip()]
        unknown = [c for c in found if c not in codes]
        if unknown:
            raise row.fail("codes", "unknown code (import a codebook CSV to add codes)", unknown[0])
        quotes = tuple(q.strip() for q in _text(row, "quote").split("||") if q.strip())
        summary = {h: _text(row, f"rap_{h}") for h in RAP_HEADINGS}
        out.append(EvidenceRecord(ref, site, collected, source_type, tier, title, summary,
                                  quotes, tuple(dict.fromkeys(found))))  # fmt: skip
    return out


def import_evidence(
    repo: Repository, path: str | Path, *, actor: str = "specialmeasures evidence import",
    at: datetime | None = None, window: DateWindow | None = None,
    content: bytes | None = None, scope: Collection[str] | None = None,
    role: str = "researcher",
) -> dict[str, int]:  # fmt: skip
    """Import an evidence or codebook CSV in one transaction; return what was written.

    Evidence dates outside ``window`` (default: 5 July 1948 to a year after ``at``) are refused.
    ``content`` is the file's bytes when it was uploaded rather than read from ``path``.
    ``scope`` (the sites an account may submit evidence for; None: any) keeps the import to
    evidence records of those sites: a codebook, another site, or a ``ref`` that already names
    another site's record is refused. ``role`` is the acting account's role, for the audit row.
    """
    file = Path(path)
    table = _read(file, content)
    header = table.header
    sites = {p.code for p in repo.providers()}
    if scope is not None:
        allowed = {c.upper() for c in scope}
        if "family" in header and "ref" not in header:
            raise InputError("a codebook changes the framework for everyone: import it at the "
                             "command line", file=str(file), row=1)  # fmt: skip
        for row in table.rows:
            if row.cell("site").upper() not in allowed and row.cell("site"):
                raise row.fail("site", "is not a trust you may submit evidence for",
                               row.cell("site"))  # fmt: skip
        sites &= allowed
    now = (at or datetime.now(UTC)).replace(tzinfo=None)
    dates = window or DateWindow.around(now.date())
    with repo.transaction() as conn:
        framework = _ensure_framework(conn)
        if "family" in header and "ref" not in header:
            new = _parse_codebook(table)
            for c in new:
                values = {"family": c.family, "label": c.label, "description": c.description}
                if _exists(conn, c.code):  # updated in place: codings may cite it
                    conn.execute(
                        evidence_codes.update()
                        .where(evidence_codes.c.code == c.code)
                        .values(**values)
                    )
                else:
                    conn.execute(insert(evidence_codes).values(code=c.code, **values))
            counts = {"codes": len(new)}
        else:
            records = _parse_evidence(table, sites, set(framework), dates)
            replaced = 0
            for n, r in enumerate(records):
                found = conn.execute(
                    select(evidence_sources.c.id, evidence_sources.c.provider_code).where(
                        evidence_sources.c.ref == r.ref
                    )
                ).first()
                old = None if found is None else found.id
                if found is not None and scope is not None and found.provider_code != r.site:
                    raise table.rows[n].fail("ref", "is the reference of a record you may not "
                                             "replace: choose another")  # fmt: skip
                if old is not None:
                    conn.execute(
                        delete(evidence_codings).where(evidence_codings.c.source_id == old)
                    )
                    conn.execute(delete(evidence_sources).where(evidence_sources.c.id == old))
                    replaced += 1
                result = conn.execute(
                    insert(evidence_sources).values(
                        ref=r.ref, provider_code=r.site, collected_on=r.collected_on,
                        source_type=r.source_type, tier=r.tier, title=r.title,
                        summary=json.dumps(r.summary, sort_keys=True),
                        quotes=json.dumps(list(r.quotes)), confidential=True,
                        import_file=file.name[:300], imported_at=now,
                        level="national" if r.site == "" else "trust",
                    )
                )  # fmt: skip
                key = result.inserted_primary_key
                assert key is not None
                if r.codes:
                    conn.execute(insert(evidence_codings),
                                 [{"source_id": int(key[0]), "code": c} for c in r.codes])  # fmt: skip
            counts = {"records": len(records), "replaced": replaced,
                      "codings": sum(len(r.codes) for r in records)}  # fmt: skip
        audit.append(conn, actor=actor, role=role, action="evidence.imported",
                     entity="evidence", entity_key=file.name[:300],
                     payload={"counts": counts, "file": file.name}, at=now)  # fmt: skip
    return counts


def _exists(conn: Connection, code: str) -> bool:
    return (
        conn.execute(select(evidence_codes.c.code).where(evidence_codes.c.code == code)).first()
        is not None
    )


def load_codes(repo: Repository) -> list[Code]:
    """The framework: the stored codebook (or the default one when nothing is stored), in
    family then framework order."""
    with repo.engine.connect() as conn:
        stored = [Code(r.code, r.family, r.label, r.description)
                  for r in conn.execute(select(evidence_codes))]  # fmt: skip
    order = {c.code: n for n, c in enumerate(DEFAULT_FRAMEWORK)}
    codes = stored or list(DEFAULT_FRAMEWORK)
    return sorted(codes, key=lambda c: (FAMILIES.index(c.family), order.get(c.code, 999), c.code))


def load_records(repo: Repository, sites: Sequence[str] | None = None) -> list[EvidenceRecord]:
    with repo.engine.connect() as conn:
        # The framework matrix is by site: national-level evidence is counted apart
        # (evaluation.evidence_sources, the seed's Table 2).
        query = select(evidence_sources).where(evidence_sources.c.level == "trust").order_by(
            evidence_sources.c.provider_code, evidence_sources.c.ref)  # fmt: skip
        if sites:
            query = query.where(evidence_sources.c.provider_code.in_(list(sites)))
        sources = list(conn.execute(query).mappings())
        coded: dict[int, list[str]] = {}
        for source_id, code in conn.execute(
            select(evidence_codings.c.source_id, evidence_codings.c.code)
        ):
            coded.setdefault(source_id, []).append(code)
    return [_record(r, coded.get(r["id"], [])) for r in sources]


def _record(r: Any, codes: list[str]) -> EvidenceRecord:
    return EvidenceRecord(
        r["ref"], r["provider_code"], r["collected_on"], r["source_type"], r["tier"], r["title"],
        json.loads(r["summary"]), tuple(json.loads(r["quotes"])), tuple(sorted(codes)),
        bool(r["confidential"]),
    )  # fmt: skip
