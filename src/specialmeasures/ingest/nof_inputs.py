"""Import NOF 2025/26 metric values for a quarter (CSV), all or nothing.

Columns: ``quarter, provider_code, metric_id, value, source``. ``metric_id`` is a catalogue
metric (``specialmeasures nof metrics``) or ``deficit_support`` (1 = receives deficit support);
``value`` is in the catalogue's unit (for ``cqc_safe`` the bespoke score 1-4). A value replaces
any earlier one for the same quarter, provider and metric; imported values are not synthetic.
Every bad cell is an error naming the file, row, column and value and nothing is written; the
same file is imported once.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, delete, insert, select

from specialmeasures.domain import InputError
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.reviewed_csv import table_reader
from specialmeasures.regime.nof_service import DEFICIT_SUPPORT
from specialmeasures.rules.nof_catalogue import Quarter, load_catalogue
from specialmeasures.store import Repository, audit
from specialmeasures.store.tables import nof_inputs, providers

__all__ = ["COLUMNS", "import_nof_inputs"]

COLUMNS = ("quarter", "provider_code", "metric_id", "value", "source")
KIND = "nof_inputs"


def import_nof_inputs(repo: Repository, path: str | Path, *, actor: str, at: datetime) -> int:
    """Import the file; returns the number of values written (0: already imported)."""
    file = Path(path)
    name = str(file)
    data, reader = table_reader(file, COLUMNS)
    metrics = {m.id for m in load_catalogue()} | {DEFICIT_SUPPORT}
    rows: dict[tuple[str, str, str], tuple[float, str, int]] = {}
    for row_number, raw in reader:
        cell = {c: (raw.get(c) or "").strip() for c in COLUMNS}

        def bad(column: str, message: str, rn: int = row_number, r: dict[str, str] = raw) -> None:
            raise InputError(message, file=name, row=rn, column=column, value=r.get(column))

        try:
            quarter = Quarter.parse(cell["quarter"]).code
        except InputError:
            bad("quarter", "not a quarter (YYYYQn, e.g. 2025Q2)")
            raise  # pragma: no cover - bad() raises
        if cell["metric_id"] not in metrics:
            bad("metric_id", "not a metric of the catalogue (specialmeasures nof metrics)")
        try:
            value = float(cell["value"])
        except ValueError:
            bad("value", "not a number")
            raise  # pragma: no cover
        if not math.isfinite(value):
            bad("value", "not a finite number")
        if not cell["source"]:
            bad("source", "empty: say where the value comes from")
        key = (quarter, cell["provider_code"].upper(), cell["metric_id"])
        if key in rows:
            bad("metric_id", f"repeats row {rows[key][2]} (same quarter, provider and metric)")
        rows[key] = (value, cell["source"][:300], row_number)
    if not rows:
        raise InputError("no rows", file=name)
    digest = sha256_of(data)
    with repo.transaction() as conn:
        if find_import(conn, kind=KIND, sha256=digest, sheet="") is not None:
            return 0
        known = {r.code for r in conn.execute(select(providers.c.code))}
        for (_, code, _), (_, _, row_number) in rows.items():
            if code not in known:
                raise InputError("unknown provider", file=name, row=row_number,
                                 column="provider_code", value=code)  # fmt: skip
        for (quarter, code, metric), (value, source, _) in rows.items():
            conn.execute(delete(nof_inputs).where(and_(
                nof_inputs.c.quarter == quarter, nof_inputs.c.provider_code == code,
                nof_inputs.c.metric_id == metric)))  # fmt: skip
            conn.execute(insert(nof_inputs).values(
                quarter=quarter, provider_code=code, metric_id=metric, value=value,
                source=source, synthetic=False))  # fmt: skip
        import_id = record_import(conn, kind=KIND, file_name=file.name, sha256=digest, sheet="",
                                  rows_read=len(rows), rows_applied=len(rows), imported_at=at,
                                  actor=actor)  # fmt: skip
        audit.append(conn, actor=actor, role="importer", action="import.nof_inputs",
                     entity="import", entity_key=str(import_id),
                     payload={"file": file.name, "sha256": digest, "values": len(rows),
                              "quarters": sorted({q for q, _, _ in rows})}, at=at)  # fmt: skip
    return len(rows)
