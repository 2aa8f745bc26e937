"""Read NHS England's monthly A&E statistics from a CSV file, in either layout, into checked rows.

Two layouts are recognised by their header, never by the file name:

- **published**: NHS England's own monthly CSV ("Monthly-AE-April-2025.csv"): one row per
  reporting organisation, ``Period`` a code such as ``MSitAE-APRIL-2025``, attendances and
  attendances over four hours split by department type (1, 2, other) and by booked appointments,
  and a last ``TOTAL`` row. Columns are found by what their header says ("A&E attendances" /
  "Attendances over 4hrs", "Type 1" / "Type 2" / "Other", "Booked"), so a file of the same
  publication with its columns moved, renamed in case or spacing, or with extra empty columns
  reads the same.
- **tidy**: ``period, org_code, type, attendances, breaches[, admissions]``, one row per
  organisation, month and department type (``1``, ``2``, ``other``), as in the NHSRdatasets cut.

The ``TOTAL`` row is never an organisation: every count column of the organisations must sum to
it, or the file is refused naming the column. Any cell that is not a whole non-negative number,
a period that cannot be read, an organisation listed twice for a month, or more attendances over
four hours than attendances raises ``InputError`` naming the file, row, column and value.

Before the layout is read, the file passes the checks every importer makes
(``ingest/validation.py``): UTF-8 only (the published files are plain ASCII; no other encoding is
guessed), no structural CSV fault, a header without blank or repeated names (trailing empty
columns are allowed), no row wider than the header with something in the extra cells, no
control, direction or line-break characters in any cell, and at least one data row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from specialmeasures.domain import InputError
from specialmeasures.ingest.csv_checks import check_grid, parse_csv
from specialmeasures.ingest.text_checks import decode

__all__ = [
    "BOOKED",
    "COUNTS",
    "OVER4_OF",
    "PUBLISHED",
    "TIDY",
    "AeFile",
    "AeRow",
    "parse_ae",
    "parse_period",
]

PUBLISHED = "published"
TIDY = "tidy"

#: Every count an organisation-month carries, in the order of ``ae_activity``'s columns.
COUNTS = (
    "attendances_type1",
    "attendances_type2",
    "attendances_other",
    "booked_type1",
    "booked_type2",
    "booked_other",
    "over4_type1",
    "over4_type2",
    "over4_other",
    "booked_over4_type1",
    "booked_over4_type2",
    "booked_over4_other",
    "admissions_type1",
    "admissions_type2",
    "admissions_other",
    "other_emergency_admissions",
    "dta_4_to_12_hours",
    "dta_over_12_hours",
)
#: Counts that must be present in a published file (the rest are read when they are there).
_REQUIRED = (
    "attendances_type1",
    "attendances_type2",
    "attendances_other",
    "over4_type1",
    "over4_type2",
    "over4_other",
)
#: Booked-appointment counts (published since 2021; absent from older files and the tidy cut).
BOOKED = (
    "booked_type1",
    "booked_type2",
    "booked_other",
    "booked_over4_type1",
    "booked_over4_type2",
    "booked_over4_other",
)
#: Attendances over four hours and the attendances they are a part of.
OVER4_OF = {
    "over4_type1": "attendances_type1",
    "over4_type2": "attendances_type2",
    "over4_other": "attendances_other",
    "booked_over4_type1": "booked_type1",
    "booked_over4_type2": "booked_type2",
    "booked_over4_other": "booked_other",
}
_TIDY_TYPES = {"1": "type1", "2": "type2", "other": "other"}
_TIDY_COLUMNS = {"attendances": "attendances", "breaches": "over4", "admissions": "admissions"}
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "JANUARY",
            "FEBRUARY",
            "MARCH",
            "APRIL",
            "MAY",
            "JUNE",
            "JULY",
            "AUGUST",
            "SEPTEMBER",
            "OCTOBER",
            "NOVEMBER",
            "DECEMBER",
        ),
        start=1,
    )
}
_PERIOD_CODE = re.compile(r"^[A-Z]*-?([A-Z]+)-(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
TOTAL = "TOTAL"
FIRST_DATA_ROW = 2  # as a spreadsheet counts: the header is row 1


@dataclass(slots=True)
class AeRow:
    """One reporting organisation's month: the row it starts on and its counts (None = the
    layout does not carry that count)."""

    row: int
    period: date
    org_code: str
    org_name: str
    parent_org: str
    counts: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AeFile:
    """What a file holds: its layout, organisation-months, and whether a TOTAL row was checked."""

    file: str
    layout: str
    rows_read: int
    rows: tuple[AeRow, ...]
    total_checked: bool
    ignored_columns: tuple[str, ...]

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({r.period for r in self.rows}))


def parse_period(text: str) -> date | None:
    """The month a period cell names (its first day), or None when it names none.

    >>> parse_period("MSitAE-APRIL-2025"), parse_period("2017-03-01"), parse_period("2017-03")
    (datetime.date(2025, 4, 1), datetime.date(2017, 3, 1), datetime.date(2017, 3, 1))
    """
    raw = text.strip().upper()
    match = _PERIOD_CODE.match(raw)
    if match and match.group(1) in _MONTHS:
        return date(int(match.group(2)), _MONTHS[match.group(1)], 1)
    match = _ISO_MONTH.match(raw)
    if match and 1 <= int(match.group(2)) <= 12:
        if match.group(3) not in (None, "01"):
            return None
        return date(int(match.group(1)), int(match.group(2)), 1)
    return None


def _normal(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).lower()


def _published_field(name: str) -> str | None:
    """The ``COUNTS`` field a published header names, or None for a column not read."""
    kind = (
        "1" if re.search(r"\btype 1\b", name) else "2" if re.search(r"\btype 2\b", name) else None
    )
    if kind is None and "other" in name:
        kind = "other"
    suffix = {"1": "type1", "2": "type2", "other": "other"}.get(kind or "")
    booked = "booked" in name
    if name.startswith("a&e attendances") and suffix:
        return f"booked_{suffix}" if booked else f"attendances_{suffix}"
    if name.startswith("attendances over 4") and suffix:
        return f"booked_over4_{suffix}" if booked else f"over4_{suffix}"
    if name.startswith("emergency admissions via a&e") and suffix:
        return f"admissions_{suffix}"
    if name == "other emergency admissions":
        return "other_emergency_admissions"
    if "dta" in name and "12+" in name:
        return "dta_over_12_hours"
    if "dta" in name and "4-12" in name:
        return "dta_4_to_12_hours"
    return None


def _count(file: str, row: int, column: str, raw: str) -> int:
    text = raw.strip()
    try:
        number = float(text) if text else float("nan")
    except ValueError:
        number = float("nan")
    if not number == number or number < 0 or number != int(number) or number > 2**31 - 1:
        raise InputError(
            "is not a whole number of attendances (0 or more)",
            file=file,
            row=row,
            column=column,
            value=raw,
        )
    return int(number)


def parse_ae(file: str, data: bytes) -> AeFile:
    """Read one A&E file (either layout); see the module docstring for what is refused."""
    grid = parse_csv(file, decode(file, data))
    while grid and not any(cell.strip() for cell in grid[-1]):
        grid.pop()
    if not grid:
        raise InputError("is empty: no header row", file=file)
    # A quirk of the published files: columns with no name (September 2024 has five, then one
    # named "a"), allowed while they hold nothing.
    check_grid(file, grid, empty_unnamed=True)
    header = [_normal(h) for h in grid[0]]
    if "org code" in header and "period" in header:
        return _published(file, grid)
    if {"period", "org_code", "type", "attendances", "breaches"} <= set(header):
        return _tidy(file, grid)
    raise InputError(
        "the header has neither A&E layout: the published one needs Period and Org Code columns, the tidy "
        "one period, org_code, type, attendances and breaches",
        file=file,
        row=1,
        value=",".join(grid[0])[:200],
    )


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _text(cells: Sequence[str], index: int | None, limit: int) -> str:
    """A text cell with its spacing collapsed ("" when the layout has no such column)."""
    return "" if index is None else " ".join(_cell(cells, index).split())[:limit]


def _published(file: str, grid: list[list[str]]) -> AeFile:
    shown = [" ".join(h.replace("\ufeff", "").split()) for h in grid[0]]
    normal = [_normal(h) for h in grid[0]]
    at = {name: k for k, name in reversed(list(enumerate(normal)))}
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for k, name in enumerate(normal):
        if name in ("period", "org code", "parent org", "org name", ""):
            continue
        target = _published_field(name)
        if target is None:
            ignored.append(shown[k])
            continue
        if target in fields:
            raise InputError(
                f"reads as the same count ({target}) as column {shown[fields[target]]!r}",
                file=file,
                row=1,
                column=shown[k],
            )
        fields[target] = k
    missing = [c for c in _REQUIRED if c not in fields]
    if missing:
        raise InputError(
            f"has no column for {', '.join(missing)} (published A&E layout)", file=file, row=1
        )
    rows: list[AeRow] = []
    total: list[str] | None = None
    total_row = 0
    seen: dict[tuple[date, str], int] = {}
    for offset, cells in enumerate(grid[1:]):
        row = offset + FIRST_DATA_ROW
        if not any(c.strip() for c in cells):
            continue
        period_text = _cell(cells, at["period"])
        code = _cell(cells, at["org code"]).strip().upper()
        if period_text.strip().upper() == TOTAL or code == TOTAL:
            if total is not None:
                raise InputError(
                    f"is a second TOTAL row (the first is row {total_row})",
                    file=file,
                    row=row,
                    column=shown[at["period"]],
                    value=period_text,
                )
            total, total_row = cells, row
            continue
        if total is not None:
            raise InputError(
                f"follows the TOTAL row (row {total_row}); the TOTAL row must be last",
                file=file,
                row=row,
                column=shown[at["org code"]],
                value=code,
            )
        period = parse_period(period_text)
        if period is None:
            raise InputError(
                "is not a period (a code such as MSitAE-APRIL-2025, or YYYY-MM)",
                file=file,
                row=row,
                column=shown[at["period"]],
                value=period_text,
            )
        if not code or len(code) > 12:
            raise InputError(
                "is not an organisation code (1 to 12 characters)",
                file=file,
                row=row,
                column=shown[at["org code"]],
                value=code,
            )
        if (period, code) in seen:
            raise InputError(
                f"is listed twice for {period:%Y-%m} (first on row {seen[(period, code)]})",
                file=file,
                row=row,
                column=shown[at["org code"]],
                value=code,
            )
        seen[(period, code)] = row
        counts: dict[str, int | None] = dict.fromkeys(COUNTS)
        for name, k in fields.items():
            counts[name] = _count(file, row, shown[k], _cell(cells, k))
        parsed = AeRow(
            row=row,
            period=period,
            org_code=code,
            org_name=_text(cells, at.get("org name"), 300) or code,
            parent_org=_text(cells, at.get("parent org"), 120),
            counts=counts,
        )
        _check_over4(file, parsed, {n: shown[k] for n, k in fields.items()})
        rows.append(parsed)
    if total is not None:
        _check_total(file, total_row, total, rows, {n: (k, shown[k]) for n, k in fields.items()})
    return AeFile(
        file=file,
        layout=PUBLISHED,
        rows_read=len(grid) - 1,
        rows=tuple(rows),
        total_checked=total is not None,
        ignored_columns=tuple(ignored),
    )


def _check_over4(file: str, row: AeRow, shown: dict[str, str]) -> None:
    for over, of in OVER4_OF.items():
        over_n, of_n = row.counts[over], row.counts[of]
        if over_n is not None and of_n is not None and over_n > of_n:
            raise InputError(
                f"attendances over 4 hours exceed the attendances ({of_n})",
                file=file,
                row=row.row,
                column=shown[over],
                value=over_n,
            )


def _check_total(
    file: str,
    total_row: int,
    total: list[str],
    rows: list[AeRow],
    fields: dict[str, tuple[int, str]],
) -> None:
    for name, (k, column) in fields.items():
        stated = _count(file, total_row, column, _cell(total, k))
        summed = sum(r.counts[name] or 0 for r in rows)
        if summed != stated:
            raise InputError(
                f"the organisations sum to {summed:,}, not the TOTAL row's {stated:,}",
                file=file,
                row=total_row,
                column=column,
                value=_cell(total, k),
            )


def _tidy(file: str, grid: list[list[str]]) -> AeFile:
    header = [_normal(h) for h in grid[0]]
    shown = [h.strip() for h in grid[0]]
    at = {name: k for k, name in reversed(list(enumerate(header)))}
    measures = [c for c in _TIDY_COLUMNS if c in at]
    known = {"period", "org_code", "type", *_TIDY_COLUMNS}
    ignored = tuple(shown[k] for k, name in enumerate(header) if name and name not in known)
    by_key: dict[tuple[date, str], AeRow] = {}
    seen: dict[tuple[date, str, str], int] = {}
    for offset, cells in enumerate(grid[1:]):
        row = offset + FIRST_DATA_ROW
        if not any(c.strip() for c in cells):
            continue
        period_text = _cell(cells, at["period"])
        period = parse_period(period_text)
        if period is None:
            raise InputError(
                "is not a period (the first day of a month, YYYY-MM-01, or YYYY-MM)",
                file=file,
                row=row,
                column=shown[at["period"]],
                value=period_text,
            )
        code = _cell(cells, at["org_code"]).strip().upper()
        if code == TOTAL:
            raise InputError(
                "is not an organisation: a tidy file carries no TOTAL rows",
                file=file,
                row=row,
                column=shown[at["org_code"]],
                value=code,
            )
        if not code or len(code) > 12:
            raise InputError(
                "is not an organisation code (1 to 12 characters)",
                file=file,
                row=row,
                column=shown[at["org_code"]],
                value=code,
            )
        type_text = _cell(cells, at["type"]).strip().lower()
        suffix = _TIDY_TYPES.get(type_text)
        if suffix is None:
            raise InputError(
                "is not a department type (1, 2 or other)",
                file=file,
                row=row,
                column=shown[at["type"]],
                value=_cell(cells, at["type"]),
            )
        if (period, code, suffix) in seen:
            raise InputError(
                f"is listed twice for {period:%Y-%m}, type {type_text} "
                f"(first on row {seen[(period, code, suffix)]})",
                file=file,
                row=row,
                column=shown[at["org_code"]],
                value=code,
            )
        seen[(period, code, suffix)] = row
        entry = by_key.get((period, code))
        if entry is None:
            counts: dict[str, int | None] = dict.fromkeys(COUNTS)
            for name in _REQUIRED:
                counts[name] = 0
            entry = by_key[(period, code)] = AeRow(row, period, code, code, "", counts)
        values = {m: _count(file, row, shown[at[m]], _cell(cells, at[m])) for m in measures}
        if values["breaches"] > values["attendances"]:
            raise InputError(
                f"breaches exceed the attendances ({values['attendances']})",
                file=file,
                row=row,
                column=shown[at["breaches"]],
                value=_cell(cells, at["breaches"]),
            )
        for m, number in values.items():
            entry.counts[f"{_TIDY_COLUMNS[m]}_{suffix}"] = number
    return AeFile(
        file=file,
        layout=TIDY,
        rows_read=len(grid) - 1,
        rows=tuple(sorted(by_key.values(), key=lambda r: (r.period, r.org_code))),
        total_checked=False,
        ignored_columns=ignored,
    )
