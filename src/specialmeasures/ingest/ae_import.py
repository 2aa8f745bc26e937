"""Import NHS England's monthly A&E statistics (``specialmeasures import ae``).

Every reporting organisation's counts are kept in ``ae_activity`` under the import that read
them, so national figures cover every organisation (trusts, walk-in centres, community interest
companies, independent providers). No organisation is ever added to the providers register: the
per-trust indicators (``ae_four_hour``, ``ae_four_hour_type1``) are written to ``observations``
only for codes already in the register (the ODS import puts the trusts there), for the months of
the file imported; after the register changes, ``import ae --refresh`` derives them again for
every month from the stored counts.

Revised files: each month is taken from **the latest import that holds it**, latest meaning the
import recorded last (highest import id, i.e. the later run of ``import ae``), whatever the file
is called. Importing ``Monthly-AE-July-2024-revised.csv`` after ``Monthly-AE-July-2024.csv``
therefore replaces July; both imports stay in the ``imports`` log and both files' rows stay in
``ae_activity``; ``ae_months`` names the import in use. A file already imported (same SHA-256)
changes nothing, so re-running the original after the revised file does not bring it back.

The import is one transaction; a bad cell, a TOTAL row the organisations do not sum to, or any
other refusal (see ``ae_layout``) raises ``InputError`` and leaves the database unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update

from specialmeasures.domain import InputError, SpecialMeasuresError
from specialmeasures.ingest.ae_catalogue import AE_FOUR_HOUR, AE_FOUR_HOUR_TYPE1, ensure_indicators
from specialmeasures.ingest.ae_layout import COUNTS, AeFile, parse_ae
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import (
    ae_activity,
    ae_months,
    dataset_meta,
    imports,
    observations,
    providers,
)

__all__ = [
    "ALL_ATTENDANCES",
    "ALL_OVER4",
    "IMPORT_KIND",
    "AeImportReport",
    "Replaced",
    "current_activity",
    "derive_observations",
    "import_ae",
    "refresh_observations",
]

IMPORT_KIND = "ae"
#: The attendance and over-4-hour columns of the headline measure (every type, booked included).
ALL_ATTENDANCES = (
    "attendances_type1",
    "attendances_type2",
    "attendances_other",
    "booked_type1",
    "booked_type2",
    "booked_other",
)
ALL_OVER4 = (
    "over4_type1",
    "over4_type2",
    "over4_other",
    "booked_over4_type1",
    "booked_over4_type2",
    "booked_over4_other",
)
TYPE1_ATTENDANCES = ("attendances_type1", "booked_type1")
TYPE1_OVER4 = ("over4_type1", "booked_over4_type1")
_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class Replaced:
    """A month this import took over from an earlier one."""

    period: date
    import_id: int
    file: str


@dataclass(frozen=True, slots=True)
class AeImportReport:
    file: str
    layout: str
    sha256: str
    rows_read: int
    organisation_months: int
    months: tuple[date, ...] = ()
    organisations: int = 0
    trusts_in_register: int = 0
    total_checked: bool = False
    ignored_columns: tuple[str, ...] = ()
    replaced: tuple[Replaced, ...] = ()
    observations_written: int = 0
    indicators_added: tuple[str, ...] = ()
    already_imported: bool = False
    import_id: int | None = None
    previous_import_at: datetime | None = None
    not_in_register: tuple[str, ...] = field(default_factory=tuple)


def _refuse_synthetic(conn: Connection) -> None:
    synthetic = conn.execute(
        select(dataset_meta.c.value).where(dataset_meta.c.key == "synthetic")
    ).scalar_one_or_none()
    if synthetic == "true":
        raise SpecialMeasuresError(
            "the database holds the synthetic demo; real A&E statistics are never mixed with it "
            "(point SPECIALMEASURES_DATABASE_URL at another database to import them)"
        )


def import_ae(repo: Repository, path: Path, *, actor: str, at: datetime) -> AeImportReport:
    """Import one A&E file (published or tidy layout) in one transaction."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None
    digest = sha256_of(data)
    parsed = parse_ae(path.name, data)
    with repo.transaction() as conn:
        _refuse_synthetic(conn)
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=digest, sheet=parsed.layout)
        if earlier is not None:
            return AeImportReport(
                file=parsed.file,
                layout=parsed.layout,
                sha256=digest,
                rows_read=earlier.rows_read,
                organisation_months=0,
                already_imported=True,
                import_id=earlier.id,
                previous_import_at=earlier.imported_at,
            )
        return _apply(conn, parsed, digest, actor=actor, at=at)


def _apply(
    conn: Connection, parsed: AeFile, digest: str, *, actor: str, at: datetime
) -> AeImportReport:
    added = ensure_indicators(conn)
    import_id = record_import(
        conn,
        kind=IMPORT_KIND,
        file_name=parsed.file,
        sha256=digest,
        sheet=parsed.layout,
        rows_read=parsed.rows_read,
        rows_applied=len(parsed.rows),
        imported_at=at,
        actor=actor,
    )
    rows = [
        {
            "import_id": import_id,
            "period": r.period,
            "org_code": r.org_code,
            "org_name": r.org_name,
            "parent_org": r.parent_org,
            **{c: r.counts[c] for c in COUNTS},
        }
        for r in parsed.rows
    ]
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(ae_activity), rows[start : start + _BATCH])
    previous = {
        p: (i, f)
        for p, i, f in conn.execute(
            select(ae_months.c.period, ae_months.c.import_id, imports.c.file_name)
            .join(imports, imports.c.id == ae_months.c.import_id)
            .where(ae_months.c.period.in_(parsed.periods))
        )
    }
    replaced = []
    for period in parsed.periods:
        if period in previous:
            replaced.append(Replaced(period, int(previous[period][0]), str(previous[period][1])))
            conn.execute(
                update(ae_months).where(ae_months.c.period == period).values(import_id=import_id)
            )
        else:
            conn.execute(insert(ae_months).values(period=period, import_id=import_id))
    written = derive_observations(conn, parsed.periods)
    registered = set(conn.execute(select(providers.c.code)).scalars())
    codes = {r.org_code for r in parsed.rows}
    report = AeImportReport(
        file=parsed.file,
        layout=parsed.layout,
        sha256=digest,
        rows_read=parsed.rows_read,
        organisation_months=len(parsed.rows),
        months=parsed.periods,
        organisations=len(codes),
        trusts_in_register=len(codes & registered),
        total_checked=parsed.total_checked,
        ignored_columns=parsed.ignored_columns,
        replaced=tuple(replaced),
        observations_written=written,
        indicators_added=tuple(added),
        import_id=import_id,
        not_in_register=tuple(sorted(codes - registered)),
    )
    audit.append(
        conn,
        actor=actor,
        role="importer",
        action="import.ae",
        entity="import",
        entity_key=str(import_id),
        payload={
            "file": parsed.file,
            "sha256": digest,
            "layout": parsed.layout,
            "rows_read": parsed.rows_read,
            "organisation_months": len(parsed.rows),
            "months": [p.isoformat() for p in parsed.periods],
            "organisations": len(codes),
            "trusts_in_register": report.trusts_in_register,
            "total_checked": parsed.total_checked,
            "replaced": [
                {"period": r.period.isoformat(), "import_id": r.import_id, "file": r.file}
                for r in replaced
            ],
        },
        at=at,
    )
    return report


def current_activity() -> Any:
    """A select of the rows in use: for each month, those of the import ``ae_months`` names."""
    return select(ae_activity).join(
        ae_months,
        and_(
            ae_months.c.period == ae_activity.c.period,
            ae_months.c.import_id == ae_activity.c.import_id,
        ),
    )


def _share(row: Any, attendances: tuple[str, ...], over4: tuple[str, ...]) -> tuple[int, int]:
    total = sum(int(getattr(row, c) or 0) for c in attendances)
    late = sum(int(getattr(row, c) or 0) for c in over4)
    return total - late, total


def derive_observations(conn: Connection, periods: tuple[date, ...] | None = None) -> int:
    """Rewrite the A&E indicators in ``observations`` from the counts in use, for every
    organisation that is a provider in the register, for ``periods`` (every month when None);
    return the rows written.

    Months with no attendances give no observation (the share is undefined)."""
    registered = set(conn.execute(select(providers.c.code)).scalars())
    ids = [AE_FOUR_HOUR.id, AE_FOUR_HOUR_TYPE1.id]
    stale = delete(observations).where(observations.c.indicator_id.in_(ids))
    query = current_activity()
    if periods is not None:
        stale = stale.where(observations.c.period.in_(periods))
        query = query.where(ae_activity.c.period.in_(periods))
    conn.execute(stale)
    out: list[dict[str, Any]] = []
    for row in conn.execute(query):
        if row.org_code not in registered:
            continue
        for indicator, attendances, over4 in (
            (AE_FOUR_HOUR.id, ALL_ATTENDANCES, ALL_OVER4),
            (AE_FOUR_HOUR_TYPE1.id, TYPE1_ATTENDANCES, TYPE1_OVER4),
        ):
            within, total = _share(row, attendances, over4)
            if total <= 0:
                continue
            out.append(
                {
                    "provider_code": row.org_code,
                    "indicator_id": indicator,
                    "period": row.period,
                    "value": within / total,
                    "numerator": float(within),
                    "denominator": float(total),
                    "expected": None,
                }
            )
    for start in range(0, len(out), _BATCH):
        conn.execute(insert(observations), out[start : start + _BATCH])
    return len(out)


def refresh_observations(repo: Repository, *, actor: str, at: datetime) -> int:
    """Derive the A&E indicators again for the trusts now in the register (after importing the
    register, say), in one audited transaction; return the rows written."""
    with repo.transaction() as conn:
        _refuse_synthetic(conn)
        ensure_indicators(conn)
        written = derive_observations(conn)
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.ae_refresh",
            entity="observations",
            entity_key="ae",
            payload={"observations_written": written},
            at=at,
        )
    return written
