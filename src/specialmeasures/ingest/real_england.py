"""Build a database of the real England from the vendored published files (``data/real``).

The steps, each an ordinary import with its own log entry, in this order:

1. the ODS trusts register, older snapshot then newer (so closed trusts remain, with their
   close dates);
2. the reviewed mergers and successors (``ods_successors.csv``), which also date the closure of
   trusts that have gone from the newer snapshot;
3. the public SMQ record, joined to ODS codes through the reviewed mapping;
4. NHS England's A&E statistics: the tidy 2016-2019 file, then the monthly 2024-2025 files in
   month order.

The synthetic generator is never run, a database holding the synthetic demo is refused, and the
dataset metadata marks the database as real, published data with its sources, which every page
shows. Running the build again imports nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from specialmeasures.domain import InputError, SpecialMeasuresError
from specialmeasures.ingest.ae_import import AeImportReport, import_ae
from specialmeasures.ingest.ods import OdsReport, import_ods
from specialmeasures.ingest.ods_layout import parse_etr
from specialmeasures.ingest.public_record import (
    PublicRecordReport,
    load_public_record,
    packaged_trust_codes,
)
from specialmeasures.ingest.real_record import packaged_record
from specialmeasures.ingest.successors import (
    SuccessorReport,
    load_successors,
    packaged_successors,
)
from specialmeasures.store import Repository
from specialmeasures.store.tables import providers

__all__ = [
    "ODS_FILES",
    "REAL_LABEL",
    "RealBuildReport",
    "ae_files",
    "build_real",
    "real_meta",
]

#: The register snapshots, oldest first.
ODS_FILES = ("ods/etr_2021.csv", "ods/etr_2025.csv")
AE_TIDY = "ae-2016-2019/ae_attendances.csv"
AE_MONTHLY = "ae-monthly-2024-2025"
REAL_LABEL = "Real, published data"
ATTRIBUTION = (
    "NHS trusts register: NHS Digital Organisation Data Service; A&E attendances: NHS England "
    "(2016-2019 as tidied by the NHSRdatasets R package, CC0); special measures events: the "
    "sourced public record. Contains public sector information licensed under the Open "
    "Government Licence v3.0."
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTHLY = re.compile(r"^Monthly-AE-([A-Za-z]+)-(\d{4})(?:-revised)?\.csv$")

Progress = Callable[[str], None]


def ae_files(data_dir: Path) -> list[Path]:
    """The A&E files of ``data_dir``: the tidy 2016-2019 file, then the monthly files in month
    order (a revised file after the first version of its month, when both are present)."""
    monthly: list[tuple[int, int, bool, Path]] = []
    for path in sorted((data_dir / AE_MONTHLY).glob("*.csv")):
        m = _MONTHLY.match(path.name)
        if m is None or m.group(1).lower() not in _MONTHS:
            raise InputError(
                "is not named like NHS England's monthly files (Monthly-AE-<Month>-<YYYY>.csv)",
                file=str(path),
            )
        year, month = int(m.group(2)), _MONTHS[m.group(1).lower()]
        monthly.append((year, month, path.stem.endswith("-revised"), path))
    return [data_dir / AE_TIDY, *(p for *_, p in sorted(monthly))]


def real_meta(at: datetime) -> dict[str, str]:
    """The dataset metadata of a real database: what every page's banner says."""
    return {
        "synthetic": "false",
        "real": "true",
        "label": REAL_LABEL,
        "attribution": ATTRIBUTION,
        "built_at": at.replace(microsecond=0).isoformat(),
    }


@dataclass
class RealBuildReport:
    ods: list[OdsReport] = field(default_factory=list)
    successors: SuccessorReport | None = None
    public_record: PublicRecordReport | None = None
    ae: list[AeImportReport] = field(default_factory=list)
    #: trusts of the older snapshot gone from the newer one with neither a close date nor a
    #: successor on record: the register still shows them open (code -> name)
    gone_undated: dict[str, str] = field(default_factory=dict)


def _refuse_synthetic(repo: Repository) -> None:
    meta = repo.meta()
    with repo.engine.connect() as conn:
        fictional = conn.execute(
            select(func.count()).select_from(providers).where(providers.c.synthetic)
        ).scalar_one()
    if meta.get("synthetic") == "true" or fictional:
        raise SpecialMeasuresError(
            "the database holds the synthetic demo; the real England is never built into it "
            "(point SPECIALMEASURES_DATABASE_URL at another database, e.g. "
            "sqlite:///specialmeasures-real.db)"
        )


def build_real(
    repo: Repository,
    data_dir: Path,
    *,
    actor: str,
    at: datetime | None = None,
    progress: Progress | None = None,
) -> RealBuildReport:
    """Run every step of the real build over ``data_dir`` (see the module docstring)."""
    say = progress or (lambda _message: None)
    when = at or datetime.now(UTC)
    needed = [data_dir / name for name in ODS_FILES]
    for path in needed:
        if not path.is_file():
            raise InputError(
                "is missing: the real build reads the vendored files of data/real", file=str(path)
            )
    _refuse_synthetic(repo)
    with repo.transaction() as conn:
        # Mark the database real before the first import, so that nothing later mistakes it
        # for an empty demo database.
        repo.set_meta(conn, real_meta(when))
    report = RealBuildReport()
    for path in needed:
        say(f"Register: {path.name}")
        report.ods.append(import_ods(repo, path, actor=actor, at=when))
    say("Successors")
    report.successors = load_successors(repo, packaged_successors(), actor=actor, at=when)
    newest = {t.code for t in parse_etr(needed[-1].name, needed[-1].read_bytes()).trusts}
    report.gone_undated = {
        p.code: p.name
        for p in repo.providers()
        if p.code not in newest and p.close_date is None and not p.synthetic
    }
    say("Public SMQ record")
    report.public_record = load_public_record(
        repo, packaged_record(), packaged_trust_codes(), actor=actor, at=when
    )
    # The register is in place first, so each A&E import derives the per-trust indicators of
    # the months it brings for every trust the register holds (closed ones included).
    for path in ae_files(data_dir):
        say(f"A&E: {path.name}")
        report.ae.append(import_ae(repo, path, actor=actor, at=when))
    return report
