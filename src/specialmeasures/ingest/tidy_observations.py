"""Import any tidy CSV of one indicator (``specialmeasures import observations``).

Columns, found by name (case and spacing ignored): ``period`` (YYYY-MM or the first day of the
month), ``provider_code`` or ``org_code``, and either ``numerator`` and ``denominator`` (the value
is computed: numerator / denominator, times the indicator's multiplier for a rate) or ``value``;
a ratio-to-expected indicator takes ``numerator`` and ``expected``. Other columns are ignored.

The indicator is one already in the catalogue, or a new one described by the caller (name, kind,
polarity, unit, category). Rows of codes that are not providers in the register are skipped and
counted, never added as providers. A row for a (provider, period) already held replaces it (the
later import wins). One transaction; the same file for the same indicator twice changes nothing;
any bad cell raises ``InputError`` naming the file, row, column and value, changing nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select

from specialmeasures.domain import (
    Category,
    DomainError,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    InputError,
    Observation,
    Polarity,
)
from specialmeasures.ingest.ae_layout import parse_period
from specialmeasures.ingest.csv_checks import check_grid, parse_csv
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.text_checks import decode
from specialmeasures.store import Repository, audit, mapping
from specialmeasures.store.tables import dataset_meta, indicators, observations, providers

__all__ = [
    "IMPORT_KIND",
    "KINDS",
    "POLARITIES",
    "IndicatorSpec",
    "TidyReport",
    "import_observations",
]

IMPORT_KIND = "observations"
KINDS = tuple(k.value for k in IndicatorKind)
POLARITIES = tuple(p.value for p in Polarity)
SKIP_NOT_REGISTERED = "code not a provider in the register"
FIRST_DATA_ROW = 2
_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """The indicator a file holds: its id, and for a new indicator its definition."""

    id: str
    name: str | None = None
    kind: str | None = None
    polarity: str | None = None
    unit: str | None = None
    category: str | None = None
    multiplier: float | None = None
    description: str | None = None

    def definition(self) -> IndicatorDefinition:
        missing = [
            f"--{n}"
            for n in ("name", "kind", "polarity", "unit", "category")
            if not getattr(self, n)
        ]
        if missing:
            raise InputError(
                f"is not in the catalogue; define it with {', '.join(missing)}",
                column="indicator",
                value=self.id,
            )
        try:
            return IndicatorDefinition(
                id=self.id,
                name=str(self.name),
                unit=str(self.unit),
                polarity=Polarity(self.polarity),
                kind=IndicatorKind(self.kind),
                frequency=Frequency.MONTHLY,
                category=Category(self.category),
                multiplier=self.multiplier or 1.0,
                description=self.description or "",
            )
        except DomainError as error:
            raise InputError(error.rule, column=error.field, value=error.value) from None

    def check_against(self, known: IndicatorDefinition) -> None:
        for name, theirs in (
            ("kind", known.kind.value),
            ("polarity", known.polarity.value),
            ("category", known.category.value),
            ("unit", known.unit),
            ("name", known.name),
        ):
            mine = getattr(self, name)
            if mine is not None and mine != theirs:
                raise InputError(
                    f"differs from the catalogue's {theirs!r} for {known.id}",
                    column=f"--{name}",
                    value=mine,
                )


@dataclass(frozen=True, slots=True)
class TidyReport:
    file: str
    indicator_id: str
    sha256: str
    rows_read: int
    written: int = 0
    replaced: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    indicator_added: bool = False
    already_imported: bool = False
    import_id: int | None = None


def _normal(header: str) -> str:
    return "_".join(header.replace("\ufeff", "").strip().lower().split())


def _number(file: str, row: int, column: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError("is not a number", file=file, row=row, column=column, value=raw)
    return value


def import_observations(
    repo: Repository, path: Path, spec: IndicatorSpec, *, actor: str, at: datetime
) -> TidyReport:
    """Import one tidy file of one indicator; see the module docstring."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=str(path)) from None
    digest = sha256_of(data)
    file = path.name
    with repo.transaction() as conn:
        if (
            conn.execute(
                select(dataset_meta.c.value).where(dataset_meta.c.key == "synthetic")
            ).scalar_one_or_none()
            == "true"
        ):
            raise InputError(
                "the database holds the synthetic demo; real indicator files are never mixed "
                "with it",
                file=file,
            )
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=digest, sheet=spec.id)
        if earlier is not None:
            return TidyReport(
                file, spec.id, digest, earlier.rows_read, already_imported=True,
                import_id=earlier.id,
            )  # fmt: skip
        row = conn.execute(select(indicators).where(indicators.c.id == spec.id)).mappings().first()
        added = row is None
        if row is None:
            definition = spec.definition()
            conn.execute(insert(indicators).values(**mapping.indicator_to_row(definition)))
        else:
            definition = mapping.row_to_indicator(row)
            spec.check_against(definition)
        parsed, rows_read, skipped = _read(conn, file, data, definition)
        replaced = _write(conn, definition.id, parsed)
        import_id = record_import(
            conn,
            kind=IMPORT_KIND,
            file_name=file,
            sha256=digest,
            sheet=definition.id,
            rows_read=rows_read,
            rows_applied=len(parsed),
            imported_at=at,
            actor=actor,
        )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.observations",
            entity="import",
            entity_key=str(import_id),
            payload={
                "file": file,
                "sha256": digest,
                "indicator": definition.id,
                "indicator_added": added,
                "rows_read": rows_read,
                "written": len(parsed),
                "replaced": replaced,
                "skipped": dict(skipped),
            },
            at=at,
        )
        return TidyReport(
            file=file,
            indicator_id=definition.id,
            sha256=digest,
            rows_read=rows_read,
            written=len(parsed),
            replaced=replaced,
            skipped=dict(skipped),
            indicator_added=added,
            import_id=import_id,
        )


def _read(
    conn: Connection, file: str, data: bytes, definition: IndicatorDefinition
) -> tuple[list[Observation], int, Counter[str]]:
    # The checks every importer makes (ingest/validation.py); blank rows keep their numbers.
    grid = parse_csv(file, decode(file, data))
    check_grid(file, grid)
    shown = [h.strip() for h in grid[0]]
    at = {name: k for k, name in reversed(list(enumerate(_normal(h) for h in grid[0])))}
    code_column = next((c for c in ("provider_code", "org_code") if c in at), None)
    if "period" not in at or code_column is None:
        raise InputError(
            "needs a period column and a provider_code (or org_code) column",
            file=file, row=1, value=",".join(grid[0])[:200],
        )  # fmt: skip
    if definition.needs_denominator:
        needed = ["numerator", "denominator"]
    elif definition.needs_expected:
        needed = ["numerator", "expected"] if "numerator" in at else ["value", "expected"]
    else:
        needed = ["numerator", "denominator"] if "value" not in at else ["value"]
    missing = [c for c in needed if c not in at]
    if missing:
        raise InputError(
            f"has no {' or '.join(missing)} column ({definition.kind.value} indicator "
            f"{definition.id})",
            file=file, row=1, value=",".join(grid[0])[:200],
        )  # fmt: skip
    registered = set(conn.execute(select(providers.c.code)).scalars())
    out: list[Observation] = []
    skipped: Counter[str] = Counter()
    seen: dict[tuple[str, date], int] = {}
    rows_read = 0
    for offset, cells in enumerate(grid[1:]):
        row = offset + FIRST_DATA_ROW
        if not any(c.strip() for c in cells):
            continue
        rows_read += 1

        def cell(name: str, cells: list[str] = cells) -> str:
            k = at[name]
            return cells[k] if k < len(cells) else ""

        period = parse_period(cell("period"))
        if period is None:
            raise InputError(
                "is not a period (YYYY-MM or YYYY-MM-01)",
                file=file, row=row, column=shown[at["period"]], value=cell("period"),
            )  # fmt: skip
        code = cell(code_column).strip().upper()
        if (code, period) in seen:
            raise InputError(
                f"is listed twice for {period:%Y-%m} (first on row {seen[(code, period)]})",
                file=file, row=row, column=shown[at[code_column]], value=code,
            )  # fmt: skip
        seen[(code, period)] = row
        numbers = {c: _number(file, row, shown[at[c]], cell(c)) for c in needed}
        if code not in registered:
            skipped[SKIP_NOT_REGISTERED] += 1
            continue
        out.append(_observation(file, row, shown, at, code, period, numbers, definition))
    return out, rows_read, skipped


def _observation(
    file: str,
    row: int,
    shown: list[str],
    at: dict[str, int],
    code: str,
    period: date,
    numbers: dict[str, float],
    definition: IndicatorDefinition,
) -> Observation:
    num, den, exp = numbers.get("numerator"), numbers.get("denominator"), numbers.get("expected")
    if "value" in numbers:
        value = numbers["value"]
    elif den is not None:
        if den <= 0:
            raise InputError(
                "must be positive", file=file, row=row, column=shown[at["denominator"]], value=den
            )
        assert num is not None
        value = num / den * (definition.multiplier if definition.kind is IndicatorKind.RATE else 1)
    else:
        assert num is not None
        assert exp is not None
        if exp <= 0:
            raise InputError(
                "must be positive", file=file, row=row, column=shown[at["expected"]], value=exp
            )
        value = num / exp
    try:
        obs = Observation(code, definition.id, period, value, num, den, exp)
        obs.check_against(definition)
    except DomainError as error:
        column = error.field.split(".")[-1]
        raise InputError(
            error.rule, file=file, row=row, column=shown[at[column]] if column in at else column,
            value=error.value,
        ) from None  # fmt: skip
    return obs


def _write(conn: Connection, indicator_id: str, parsed: list[Observation]) -> int:
    keys = {(o.provider_code, o.period) for o in parsed}
    held = {
        (c, p)
        for c, p in conn.execute(
            select(observations.c.provider_code, observations.c.period).where(
                observations.c.indicator_id == indicator_id
            )
        )
    }
    replacing = keys & held
    for code, period in replacing:
        conn.execute(
            delete(observations).where(
                and_(
                    observations.c.indicator_id == indicator_id,
                    observations.c.provider_code == code,
                    observations.c.period == period,
                )
            )
        )
    rows: list[dict[str, Any]] = [mapping.observation_to_row(o) for o in parsed]
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(observations), rows[start : start + _BATCH])
    return len(replacing)
