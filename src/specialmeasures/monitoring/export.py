"""Watch-list exports: CSV, JSON and Excel, each marked CONFIDENTIAL in the data itself
(a ``confidential`` column / field) and with a banner line at the top."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from specialmeasures.monitoring.watchlist import CONFIDENTIAL_BANNER, WatchList
from specialmeasures.reports.cells import append_row, csv_cell

__all__ = ["PROVIDER_COLUMNS", "to_csv", "to_json", "write_xlsx"]

PROVIDER_COLUMNS = (
    "band", "code", "name", "system", "region", "type", "score", "score_band", "elevated_risks",
    "risks", "applicable", "in_smq", "ew_band", "reason", "top_flags", "balancing_flags",
    "confidential",
)  # fmt: skip
FLAG_COLUMNS = (
    "kind", "provider_code", "indicator_id", "indicator_name", "category", "method", "rule",
    "level", "since", "strength", "latest", "reference", "text", "confidential",
)  # fmt: skip
SYSTEM_COLUMNS = (
    "system", "region", "providers", "high_priority", "worst_band", "mean_score",
    "elevated_risks", "risks", "balancing_flags", "high_priority_codes", "confidential",
)  # fmt: skip


def _banner(watchlist: WatchList) -> str:
    text = f"{CONFIDENTIAL_BANNER}; as of {watchlist.as_of.isoformat()}"
    text += f", data through {watchlist.data_through:%b %Y}"
    return text + (f"; {watchlist.label}" if watchlist.label else "")


def to_csv(watchlist: WatchList) -> str:
    """Providers as CSV, the first line a ``#`` banner (CSV readers can skip comment lines)."""
    buffer = io.StringIO()
    buffer.write(f"# {_banner(watchlist)}\n")
    writer = csv.DictWriter(
        buffer, fieldnames=list(PROVIDER_COLUMNS), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in watchlist.provider_rows())
    return buffer.getvalue()


def to_json(watchlist: WatchList) -> str:
    data = watchlist.to_dict()
    data["banner"] = _banner(watchlist)
    return json.dumps(data, indent=2, default=str) + "\n"


def _sheet(
    book: Any, title: str, banner: str, columns: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(title)
    sheet.append([banner])
    sheet["A1"].font = Font(bold=True, color="FFFFFF")
    sheet["A1"].fill = PatternFill("solid", fgColor="D5281B")
    append_row(sheet, columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, [row.get(c) for c in columns])
    sheet.freeze_panes = "A3"


def write_xlsx(watchlist: WatchList, path: str | Path) -> None:
    """An Excel workbook (Providers, Flags, Systems sheets), banner in row 1 of each sheet,
    written to a temporary file then renamed."""
    from openpyxl import Workbook

    target = Path(path)
    banner = _banner(watchlist)
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "Providers", banner, PROVIDER_COLUMNS, watchlist.provider_rows())
    _sheet(book, "Flags", banner, FLAG_COLUMNS, watchlist.flag_rows())
    _sheet(book, "Systems", banner, SYSTEM_COLUMNS, watchlist.system_rows())
    book.properties.title = "Early-warning watch list (CONFIDENTIAL)"
    book.properties.keywords = "confidential"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
