"""The layout of CQC's "Latest ratings" download: header, columns, rating text and dates.

Long format: one row per (entity, Service / Population Group, Domain); the entity's own rating
is the row whose group and domain are both ``Overall``. The current layout names the key
question column ``Domain``; older files call it ``Key Question`` and lack the ODS code, NHS
region and inherited-rating columns. Some releases put banner rows above the header, so the
header is found, not assumed to be row 1. Column list and sources:
``reference/regime/cqc_ratings_download_columns.csv`` (REGIME.md section 1.7).

>>> parse_rating("Requires improvement").short
'RI'
>>> parse_rating("Not Rated") is None
True
>>> parse_publication_date("01/12/2021").isoformat()
'2021-12-01'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column

from specialmeasures.domain import DomainError, InputError, KeyQuestion, Rating
from specialmeasures.ingest.validation import (
    DateWindow,
    check_characters,
    check_text,
    check_width,
)
from specialmeasures.store.tables import location_ratings, providers

__all__ = [
    "LOCATIONS",
    "NHS_PROVIDER_TYPE",
    "PROVIDERS",
    "CqcRow",
    "Header",
    "find_header",
    "nhs_trust_row",
    "parse_publication_date",
    "parse_rating",
    "parse_record",
    "records",
]

PROVIDERS = "Providers"
LOCATIONS = "Locations"
#: ``Provider Type`` of NHS trusts and foundation trusts in the Providers sheet.
NHS_PROVIDER_TYPE = "NHS Healthcare Organisation"
OVERALL = "overall"
#: How far down a sheet the header may be (banner rows above it are skipped).
HEADER_SEARCH_ROWS = 20

#: Rating cells that mean "no rating on the four-point scale" (kept as text, never as a rating).
NOT_RATED = frozenset({"not applicable", "not rated", "insufficient evidence to rate", "n/a"})

#: Older headers and their current names.
ALIASES = {"key question": "Domain"}

REQUIRED = {
    PROVIDERS: (
        "Provider ID",
        "Provider Name",
        "Provider Type",
        "Service / Population Group",
        "Domain",
        "Latest Rating",
        "Publication Date",
    ),
    LOCATIONS: (
        "Location ID",
        "Location Name",
        "Service / Population Group",
        "Domain",
        "Latest Rating",
        "Publication Date",
        "Provider ID",
    ),
}

#: Columns whose text is stored, and where: longer text is refused, never cut (two location ids
#: that differ only after the 32nd character would otherwise become one).
STORED: dict[str, Column[object]] = {
    "Provider Name": providers.c.name,
    "Provider NHS Region": providers.c.region,
    "Provider Region": providers.c.region,
    "Location ID": location_ratings.c.location_id,
    "Location Name": location_ratings.c.location_name,
    "Service / Population Group": location_ratings.c.service_group,
    "Latest Rating": location_ratings.c.rating_text,
    "Report Type": location_ratings.c.report_type,
}

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00(?:\.0+)?)?$")


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass(frozen=True, slots=True)
class Header:
    """Where the header is (spreadsheet row number), which sheet and layout it is, its columns."""

    row: int
    sheet: str
    layout: str
    columns: Mapping[str, int]
    names: Mapping[str, str]

    def shown(self, column: str) -> str:
        """The column's name as this file spells it (e.g. ``Key Question`` in older files)."""
        return self.names.get(column, column)


def find_header(file: str, rows: tuple[tuple[str, ...], ...], sheet: str | None) -> Header:
    """Find the header row among the first rows and check it has every required column."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        normal = [_norm(c) for c in cells]
        if "latest rating" not in normal:
            continue
        if "location id" in normal:
            found = LOCATIONS
        elif "provider id" in normal:
            found = PROVIDERS
        else:
            continue
        if sheet is not None and sheet in REQUIRED and sheet != found:
            raise InputError(
                f"sheet {sheet!r} was asked for but the header is a {found} header",
                file=file,
                row=index + 1,
            )
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        canonical = {_norm(c): c for c in REQUIRED[PROVIDERS] + REQUIRED[LOCATIONS]}
        for position, (raw, key) in enumerate(zip(cells, normal, strict=True)):
            name = ALIASES.get(key) or canonical.get(key) or raw
            if not key:
                if any(normal[position:]):
                    raise InputError(
                        "a column has no name in the header",
                        file=file,
                        row=index + 1,
                        column=f"#{position + 1}",
                    )
                continue
            if name in columns:
                # Two columns for one name (or "Domain" beside "Key Question"): taking the
                # first would be a guess about which holds the data.
                raise InputError(
                    f"the column appears twice in the header (as {names[name]!r} and "
                    f"{raw!r}): which one holds the data cannot be known",
                    file=file,
                    row=index + 1,
                    column=raw,
                    value=raw,
                )
            check_characters(file, index + 1, raw, raw)
            columns[name] = position
            names[name] = raw
        layout = "older" if "key question" in normal else "current"
        for required in REQUIRED[found]:
            if required not in columns:
                raise InputError(
                    f"the {found} header has no {required!r} column",
                    file=file,
                    row=index + 1,
                    column=required,
                )
        return Header(index + 1, found, layout, columns, names)
    raise InputError(
        f"no CQC ratings header (a row with 'Latest Rating' and 'Provider ID' or 'Location ID') "
        f"in the first {HEADER_SEARCH_ROWS} rows",
        file=file,
    )


def records(
    file: str, rows: tuple[tuple[str, ...], ...], header: Header
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank row below the header as (spreadsheet row number, column -> cell text).

    A row narrower than the header, or wider with something in the extra cells, is refused, and
    so is a control or direction character in any cell (ingest/validation.py).
    """
    titles = rows[header.row - 1]
    for index in range(header.row, len(rows)):
        cells = rows[index]
        if not any(cells):
            continue
        check_width(file, index + 1, cells, titles)
        for position, cell in enumerate(cells[: len(titles)]):
            check_characters(file, index + 1, titles[position] or f"#{position + 1}", cell)
        yield index + 1, {name: cells[pos] for name, pos in header.columns.items()}


def parse_rating(text: str) -> Rating | None:
    """A rating on the four-point scale, or None for "Not applicable" / "Not Rated".

    Raises ``DomainError`` for any other text.
    """
    if _norm(text) in NOT_RATED:
        return None
    return Rating.parse(text, field="Latest Rating")


def parse_publication_date(text: str) -> date:
    """``dd/mm/yyyy`` as published, or ISO ``yyyy-mm-dd`` (how a workbook date cell reads).

    Raises ``ValueError`` for anything else.
    """
    value = text.strip()
    if m := _DMY.match(value):
        day, month, year = (int(g) for g in m.groups())
        return date(year, month, day)
    if m := _ISO.match(value):
        year, month, day = (int(g) for g in m.groups())
        return date(year, month, day)
    raise ValueError(f"not a dd/mm/yyyy date: {text!r}")


@dataclass(frozen=True, slots=True)
class CqcRow:
    """One validated rating row of either sheet (location fields empty for the Providers sheet)."""

    row: int
    provider_id: str
    provider_name: str
    provider_type: str
    primary_category: str
    region: str
    location_id: str
    location_name: str
    service_group: str
    key_question: KeyQuestion
    rating: Rating | None
    rating_text: str
    published: date
    report_type: str

    @property
    def is_own_rating(self) -> bool:
        """The entity's own rating (group ``Overall``), not a core service / population group."""
        return _norm(self.service_group) == OVERALL

    @property
    def entity_id(self) -> str:
        return self.location_id or self.provider_id

    @property
    def key(self) -> tuple[str, str, KeyQuestion, date]:
        """What identifies a rating within one file: entity, group, key question, date."""
        return (self.entity_id, _norm(self.service_group), self.key_question, self.published)


def parse_record(
    file: str,
    row: int,
    cells: Mapping[str, str],
    header: Header,
    window: DateWindow | None = None,
) -> CqcRow:
    """Validate one row; an ``InputError`` names the file, row, column and value.

    Text that is stored must fit its column (``STORED``); a publication date must lie within
    ``window`` when one is given.
    """

    def fail(column: str, message: str) -> InputError:
        return InputError(
            message, file=file, row=row, column=header.shown(column), value=cells.get(column, "")
        )

    def required(column: str) -> str:
        value = cells.get(column, "").strip()
        if not value:
            raise fail(column, "is empty")
        return value

    for column, target in STORED.items():
        if column in cells:
            check_text(
                cells[column], file=file, row=row, column=header.shown(column), target=target
            )

    provider_id = required("Provider ID")
    try:
        key_question = KeyQuestion.parse(required("Domain"))
    except DomainError:
        raise fail(
            "Domain", "must be Safe, Effective, Caring, Responsive, Well-led or Overall"
        ) from None
    rating_text = required("Latest Rating")
    try:
        rating = parse_rating(rating_text)
    except DomainError:
        raise fail(
            "Latest Rating",
            "must be Outstanding, Good, Requires improvement, Inadequate, "
            "Not applicable or Not Rated",
        ) from None
    try:
        published = parse_publication_date(required("Publication Date"))
    except ValueError:
        raise fail("Publication Date", "is not a date (expected dd/mm/yyyy)") from None
    if window is not None:
        column = header.shown("Publication Date")
        window.check(
            published, file=file, row=row, column=column, shown_as=cells["Publication Date"]
        )
    location = header.sheet == LOCATIONS
    return CqcRow(
        row=row,
        provider_id=provider_id,
        provider_name=cells.get("Provider Name", "").strip(),
        provider_type=cells.get("Provider Type", "").strip(),
        primary_category=cells.get("Provider Primary Inspection Category", "").strip(),
        region=(cells.get("Provider NHS Region") or cells.get("Provider Region") or "").strip(),
        location_id=required("Location ID") if location else "",
        location_name=cells.get("Location Name", "").strip() if location else "",
        service_group=required("Service / Population Group"),
        key_question=key_question,
        rating=rating,
        rating_text=rating_text,
        published=published,
        report_type=cells.get("Report Type", "").strip(),
    )


def nhs_trust_row(cells: Mapping[str, str]) -> bool:
    """Whether a Providers-sheet row is an NHS trust's (``Provider Type``)."""
    return _norm(cells.get("Provider Type", "")) == _norm(NHS_PROVIDER_TYPE)
