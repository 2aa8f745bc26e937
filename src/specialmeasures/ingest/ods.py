"""Import the ODS NHS trusts register (etr file): real trusts, their open and close dates.

Each file is a snapshot. Importing snapshots oldest first builds the register's history: a
trust of an older snapshot that has gone from a newer one stays in the register (with its
close date when ODS published one, or the date from the reviewed successors file, see
``ingest/successors.py``), so that the register "as of" an earlier date still finds it.

Rules, all reported in the import log (``imports``) and the audit log:

- a trust not yet in the register is created (``synthetic=False``, type not recorded: the file
  has no trust type); one already there is updated where the file differs (name, region, ICB,
  open and close dates);
- an empty cell never clears a value already recorded (the older snapshot has rows with no
  region or open date), and a recorded close date is never removed by a snapshot that still
  lists the trust as open: such rows are counted as skipped, with the reason;
- trusts in Wales (region ``W00``) are skipped: they are not NHS England trusts;
- a synthetic database is refused, and so is a code that belongs to a synthetic provider.

The import is one transaction; re-importing the same file (by SHA-256) changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from specialmeasures.domain import (
    DomainError,
    InputError,
    Provider,
    ProviderType,
    Setting,
    SpecialMeasuresError,
)
from specialmeasures.ingest.import_log import find_import, record_import
from specialmeasures.ingest.ods_layout import OdsFile, OdsTrust, column_label, parse_etr
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import dataset_meta, providers

__all__ = [
    "IMPORT_KIND",
    "SKIP_CLOSE_KEPT",
    "SKIP_NOT_ENGLAND",
    "SKIP_UNCHANGED",
    "UNRECORDED",
    "OdsReport",
    "import_ods",
    "region_name",
    "system_name",
]

IMPORT_KIND = "ods-trusts"
SHEET = "etr"
UNRECORDED = "not recorded"
SKIP_UNCHANGED = "unchanged: already in the register as the file has it"
SKIP_NOT_ENGLAND = "in Wales (region W00): not an NHS England trust"
SKIP_CLOSE_KEPT = "open in this file but closed in the register: close date kept"
SKIP_BLANK = "blank line"
#: Provider columns an ODS row may change, in the order reports list them.
FIELDS = ("name", "region", "system", "region_code", "icb_code", "open_date", "close_date")


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("specialmeasures.ingest").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@cache
def _icbs() -> dict[str, str]:
    return {r["code"]: r["name"] for r in _data_rows("ods_icbs.csv")}


def system_name(code: str | None) -> str:
    """The ICB's name from ``data/ods_icbs.csv``: the trust's local system. A code not listed
    there (the older snapshot's NHS England area teams) stands for itself."""
    if code is None:
        return UNRECORDED
    return _icbs().get(code, code)


@cache
def _regions() -> dict[str, tuple[str, bool]]:
    return {r["code"]: (r["name"], r["in_england"] == "yes") for r in _data_rows("ods_regions.csv")}


def region_name(code: str | None) -> str:
    """The region's name from ``data/ods_regions.csv``; an unlisted code stands for itself."""
    if code is None:
        return UNRECORDED
    return _regions().get(code, (code, True))[0]


def in_england(code: str | None) -> bool:
    return code is None or _regions().get(code, (code, True))[1]


@dataclass(frozen=True, slots=True)
class OdsReport:
    """What one import read, created, updated and skipped (and why)."""

    file: str
    sha256: str
    layout: str
    rows_read: int
    created: tuple[str, ...] = ()
    #: code -> the fields that changed, each as ``field: old -> new``.
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False
    import_id: int | None = None
    previous_import_at: datetime | None = None


def import_ods(repo: Repository, path: Path, *, actor: str, at: datetime) -> OdsReport:
    """Import one etr file in one transaction; see the module docstring."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None
    return import_ods_bytes(repo, path.name, data, actor=actor, at=at)


def import_ods_bytes(
    repo: Repository, file: str, data: bytes, *, actor: str, at: datetime
) -> OdsReport:
    parsed = parse_etr(file, data)
    with repo.transaction() as conn:
        _refuse_synthetic_database(conn)
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=parsed.sha256, sheet=SHEET)
        if earlier is not None:
            return OdsReport(
                file=file,
                sha256=parsed.sha256,
                layout=parsed.layout,
                rows_read=earlier.rows_read,
                already_imported=True,
                import_id=earlier.id,
                previous_import_at=earlier.imported_at,
            )
        plan = _plan(conn, parsed)
        if plan.new:
            repo.add_providers(conn, plan.new)
        for code, values in plan.changes.items():
            conn.execute(update(providers).where(providers.c.code == code).values(**values))
        for code, values in plan.codes.items():
            conn.execute(update(providers).where(providers.c.code == code).values(**values))
        created = tuple(sorted(p.code for p in plan.new))
        import_id = record_import(
            conn,
            kind=IMPORT_KIND,
            file_name=file,
            sha256=parsed.sha256,
            sheet=SHEET,
            rows_read=parsed.rows_read,
            rows_applied=len(created) + len(plan.described),
            imported_at=at,
            actor=actor,
            rows_created=len(created),
            rows_updated=len(plan.described),
            skipped=plan.skipped,
        )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.ods_trusts",
            entity="import",
            entity_key=str(import_id),
            payload={
                "file": file,
                "sha256": parsed.sha256,
                "layout": parsed.layout,
                "rows_read": parsed.rows_read,
                "created": list(created),
                "updated": {k: list(v) for k, v in sorted(plan.described.items())},
                "skipped": dict(plan.skipped),
            },
            at=at,
        )
    return OdsReport(
        file=file,
        sha256=parsed.sha256,
        layout=parsed.layout,
        rows_read=parsed.rows_read,
        created=created,
        updated=dict(sorted(plan.described.items())),
        skipped=dict(plan.skipped),
        import_id=import_id,
    )


def _refuse_synthetic_database(conn: Connection) -> None:
    synthetic = conn.execute(
        select(dataset_meta.c.value).where(dataset_meta.c.key == "synthetic")
    ).scalar_one_or_none()
    if synthetic == "true":
        raise SpecialMeasuresError(
            "the database holds the synthetic demo; the real register is never mixed with it "
            "(point SPECIALMEASURES_DATABASE_URL at another database to import it)"
        )


@dataclass
class _Plan:
    new: list[Provider] = field(default_factory=list)
    #: code -> provider columns to set (domain fields)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: code -> ODS code columns to set on every row written (region_code, icb_code)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    described: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)


def _wanted(trust: OdsTrust) -> dict[str, Any]:
    return {
        "name": trust.name,
        "region": region_name(trust.region_code) if trust.region_code else None,
        "system": system_name(trust.icb_code) if trust.icb_code else None,
        "region_code": trust.region_code,
        "icb_code": trust.icb_code,
        "open_date": trust.open_date,
        "close_date": trust.close_date,
    }


def _shown(value: object) -> str:
    if value is None:
        return "-"
    return value.isoformat() if isinstance(value, date) else str(value)


def _plan(conn: Connection, parsed: OdsFile) -> _Plan:
    plan = _Plan()
    plan.skipped[SKIP_BLANK] += parsed.blank_rows
    if not plan.skipped[SKIP_BLANK]:
        del plan.skipped[SKIP_BLANK]
    existing = {r["code"]: dict(r) for r in conn.execute(select(providers)).mappings()}
    for trust in parsed.trusts:
        if not in_england(trust.region_code):
            plan.skipped[SKIP_NOT_ENGLAND] += 1
            continue
        wanted = _wanted(trust)
        row = existing.get(trust.code)
        if row is None:
            plan.new.append(_new_provider(parsed.file, trust, wanted))
            plan.codes[trust.code] = {"region_code": trust.region_code, "icb_code": trust.icb_code}
            continue
        if row["synthetic"]:
            raise InputError(
                "is a synthetic (fictional) provider in this database; the real register is "
                "never attached to it",
                file=parsed.file,
                row=trust.row,
                column=column_label(0),
                value=trust.code,
            )
        changes: dict[str, Any] = {}
        kept_close = False
        for name in FIELDS:
            new, old = wanted[name], row[name]
            if new is None:
                # An empty cell never clears a recorded value; a trust never reopens.
                kept_close = kept_close or (name == "close_date" and old is not None)
                continue
            if new != old:
                changes[name] = new
        if changes:
            plan.changes[trust.code] = changes
            # region and system follow from the codes; name them only when the codes did not move.
            derived = {"region": "region_code", "system": "icb_code"}
            plan.described[trust.code] = tuple(
                f"{name}: {_shown(row[name])} -> {_shown(value)}"
                for name, value in changes.items()
                if derived.get(name) not in changes
            )
        elif kept_close:
            plan.skipped[SKIP_CLOSE_KEPT] += 1
        else:
            plan.skipped[SKIP_UNCHANGED] += 1
    return plan


def _new_provider(file: str, trust: OdsTrust, wanted: dict[str, Any]) -> Provider:
    try:
        provider = Provider(
            code=trust.code,
            name=trust.name,
            type=ProviderType.UNKNOWN,
            teaching=False,  # not in the file; False means "not recorded as teaching"
            setting=Setting.UNKNOWN,
            region=wanted["region"] or UNRECORDED,
            system=wanted["system"] or UNRECORDED,
            synthetic=False,
            open_date=trust.open_date,
            close_date=trust.close_date,
        )
    except DomainError as error:
        raise InputError(
            error.rule, file=file, row=trust.row, column=column_label(0), value=error.value
        ) from None
    return provider
