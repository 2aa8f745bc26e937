"""Real A&E files for tests (the vendored ``data/real``), malformed variants of them, and England's
four-hour figure computed independently from the raw CSV (plain ``csv``, not the importer)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from specialmeasures.bootstrap import Platform
from specialmeasures.store.tables import metadata

#: The project's vendored copies of the published files (data/real, with their attribution).
REAL = Path(__file__).resolve().parents[1] / "data" / "real"
AE = REAL / "ae-monthly-2024-2025"
MONTHLY = sorted(AE.glob("Monthly-AE-*.csv"))
TIDY = REAL / "ae-2016-2019" / "ae_attendances.csv"
APRIL_2025 = AE / "Monthly-AE-April-2025.csv"
JULY_2024_REVISED = AE / "Monthly-AE-July-2024-revised.csv"
SEPTEMBER_2024 = AE / "Monthly-AE-September-2024.csv"


def grid(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def with_cell(source: Path, target: Path, row: int, column: str, value: str) -> Path:
    """A copy of ``source`` with one cell changed (``row`` as a spreadsheet counts it)."""
    rows = grid(source)
    rows[row - 1][rows[0].index(column)] = value
    return write(target, rows)


def row_of(source: Path, org_code: str) -> int:
    """The spreadsheet row of an organisation in a published file."""
    rows = grid(source)
    k = rows[0].index("Org Code")
    return next(i + 1 for i, r in enumerate(rows) if r[k].strip() == org_code)


def expected_national(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(attendances within 4 hours, attendances) per YYYY-MM over every organisation, type and
    booked appointment of published files; the TOTAL row left out."""
    out: dict[str, tuple[int, int]] = {}
    months = {m: i for i, m in enumerate(
        ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER",
         "OCTOBER", "NOVEMBER", "DECEMBER"], start=1)}  # fmt: skip
    for path in paths:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
        att = late = 0
        period = ""
        for r in reader:
            if r["Period"].strip().upper() == "TOTAL":
                continue
            _, month, year = r["Period"].split("-")
            period = f"{year}-{months[month]:02d}"
            att += sum(int(v) for k, v in r.items() if k and k.startswith("A&E attendances"))
            late += sum(int(v) for k, v in r.items() if k and k.startswith("Attendances over 4hrs"))
        out[period] = (att - late, att)
    return out


def expected_tidy_financial_years(path: Path = TIDY) -> dict[int, float]:
    """Four-hour performance per financial year (starting April of the key) of the tidy file."""
    att: dict[int, float] = defaultdict(float)
    late: dict[int, float] = defaultdict(float)
    for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        year, month = int(r["period"][:4]), int(r["period"][5:7])
        fy = year if month >= 4 else year - 1
        att[fy] += float(r["attendances"])
        late[fy] += float(r["breaches"])
    return {fy: 1 - late[fy] / att[fy] for fy in att}


def dump(platform: Platform) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: equal dumps mean an unchanged database."""
    out = {}
    with platform.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = [tuple(map(repr, r)) for r in conn.execute(select(table))]
            out[table.name] = sorted(rows)
    return out


def register_trusts(platform: Platform, entries: dict[str, date] | None = None) -> list[str]:
    """Register every three-character "R" organisation of the A&E files as an acute trust, under
    the name the published files give it (real names, real data), and the given SMQ entries (real
    ones from the public record); return the codes. A stand-in for the ODS register in tests."""
    from specialmeasures.domain import (
        Provider,
        ProviderType,
        Regime,
        RegimeEpisode,
        Setting,
    )
    from specialmeasures.ingest.ae_layout import parse_ae

    names: dict[str, str] = {}
    for path in [TIDY, *MONTHLY]:
        for r in parse_ae(path.name, path.read_bytes()).rows:
            trust = len(r.org_code) == 3 and r.org_code.startswith("R")
            if trust and (r.org_name != r.org_code or r.org_code not in names):
                names[r.org_code] = r.org_name.title()
    with platform.repository.transaction() as conn:
        platform.repository.add_providers(
            conn,
            [
                Provider(code=c, name=n, type=ProviderType.ACUTE, teaching=False,
                         setting=Setting.UNKNOWN, region="not recorded", system="not recorded",
                         synthetic=False)
                for c, n in sorted(names.items())
            ],
        )  # fmt: skip
        for code, start in (entries or {}).items():
            platform.repository.add_episode(conn, RegimeEpisode(code, Regime.SMQ, start))
    return sorted(names)
