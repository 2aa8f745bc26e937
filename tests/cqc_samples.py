"""The synthetic CQC sample files (tests/data/cqc) and helpers to derive bad or ODS copies."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, MetaData, select

CQC = Path(__file__).resolve().parent / "data" / "cqc"
SNAPSHOT_2019 = CQC / "providers_2019-06.csv"
SNAPSHOT_2021 = CQC / "providers_2021-06.csv"
BANNER = CQC / "providers_banner.csv"
OLDER = CQC / "providers_older_layout.csv"
LOCATIONS = CQC / "locations_2019-06.csv"


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


def write_ods(target: Path, *, banner: bool = True) -> Path:
    """A workbook with sheets Locations and Providers, as CQC publishes it (banner optional)."""
    providers = read_rows(SNAPSHOT_2019)
    if banner:
        width = len(providers[0])
        banner_row = ["Latest ratings - synthetic test workbook, not CQC data"] + [""] * (width - 1)
        providers = [banner_row, *providers]
    with pd.ExcelWriter(target, engine="odf") as book:
        for name, rows in (("Locations", read_rows(LOCATIONS)), ("Providers", providers)):
            pd.DataFrame(rows).to_excel(book, sheet_name=name, header=False, index=False)
    return target


def with_cell(source: Path, target: Path, row: int, column: str, value: str) -> Path:
    """A copy of ``source`` with one cell changed (``row`` counted as a spreadsheet shows it)."""
    rows = read_rows(source)
    header = next(i for i, r in enumerate(rows) if "Latest Rating" in r)
    rows[row - 1][rows[header].index(column)] = value
    with target.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    return target


def with_row_appended(source: Path, target: Path, copy_of: int, column: str, value: str) -> Path:
    """A copy of ``source`` with spreadsheet row ``copy_of`` repeated at the end, one cell changed."""
    rows = read_rows(source)
    header = next(i for i, r in enumerate(rows) if "Latest Rating" in r)
    extra = list(rows[copy_of - 1])
    extra[rows[header].index(column)] = value
    with target.open("w", newline="") as f:
        csv.writer(f).writerows([*rows, extra])
    return target


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two equal dumps mean an unchanged database."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted(tuple(map(repr, r)) for r in conn.execute(select(table)))
            for name, table in sorted(meta.tables.items())
        }
