"""The CQC download layout: header detection, banner rows, old and new layouts, ratings, dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cqc_samples import BANNER, LOCATIONS, OLDER, SNAPSHOT_2019, read_rows, write_ods
from specialmeasures.domain import InputError, KeyQuestion, ProviderType, Rating
from specialmeasures.ingest.cqc_layout import (
    find_header,
    parse_publication_date,
    parse_rating,
    parse_record,
    records,
)
from specialmeasures.ingest.cqc_ratings import provider_type_for
from specialmeasures.ingest.cqc_sheet import read_grid


def grid_of(path: Path, sheet: str | None = None) -> tuple[tuple[str, ...], ...]:
    return read_grid(path, path.read_bytes(), sheet).rows


def test_header_is_row_one_in_a_plain_file() -> None:
    header = find_header("f.csv", grid_of(SNAPSHOT_2019), None)
    assert (header.row, header.sheet, header.layout) == (1, "Providers", "current")


def test_banner_and_blank_rows_above_the_header_are_skipped() -> None:
    rows = grid_of(BANNER)
    header = find_header("banner.csv", rows, None)
    assert header.row == 3
    first_row, cells = next(records("t.csv", rows, header))
    assert first_row == 4
    assert cells["Provider ID"] == "ZZ1"


def test_older_layout_key_question_is_read_as_domain() -> None:
    rows = grid_of(OLDER)
    header = find_header("old.csv", rows, None)
    assert header.layout == "older"
    assert header.shown("Domain") == "Key Question"
    row, cells = next(records("t.csv", rows, header))
    parsed = parse_record("old.csv", row, cells, header)
    assert parsed.key_question is KeyQuestion.SAFE
    assert parsed.region == "North East and Yorkshire"  # Provider Region when no NHS region


def test_locations_header_is_recognised() -> None:
    header = find_header("loc.csv", grid_of(LOCATIONS), None)
    assert header.sheet == "Locations"


def test_asking_for_the_wrong_sheet_is_an_input_error() -> None:
    with pytest.raises(InputError, match="sheet 'Locations' was asked for") as caught:
        find_header("p.csv", grid_of(SNAPSHOT_2019), "Locations")
    assert caught.value.row == 1


def test_no_header_is_an_input_error_naming_the_file() -> None:
    with pytest.raises(InputError, match="no CQC ratings header") as caught:
        find_header("notes.csv", (("hello",), ("world",)), None)
    assert caught.value.file == "notes.csv"


def test_a_missing_required_column_is_named() -> None:
    rows = (("Provider ID", "Provider Name", "Latest Rating"),)
    with pytest.raises(InputError, match="no 'Provider Type' column") as caught:
        find_header("p.csv", rows, None)
    assert caught.value.column == "Provider Type"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Outstanding", Rating.OUTSTANDING),
        ("Good", Rating.GOOD),
        ("Requires improvement", Rating.REQUIRES_IMPROVEMENT),
        ("Requires Improvement", Rating.REQUIRES_IMPROVEMENT),
        ("Inadequate", Rating.INADEQUATE),
        ("Not applicable", None),
        ("Not Rated", None),
        ("Insufficient evidence to rate", None),
    ],
)
def test_rating_text(text: str, expected: Rating | None) -> None:
    assert parse_rating(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/03/2019", date(2019, 3, 14)),
        ("1/2/2020", date(2020, 2, 1)),
        ("2019-03-14", date(2019, 3, 14)),
        ("2019-03-14 00:00:00", date(2019, 3, 14)),  # a typed date cell read from a workbook
    ],
)
def test_publication_dates(text: str, expected: date) -> None:
    assert parse_publication_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2019", "March 2019", "2019/03/14", "14-03-2019", ""])
def test_bad_publication_dates(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_publication_date(text)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Latest Rating", "Excellent", "must be Outstanding"),
        ("Publication Date", "31/02/2019", "is not a date"),
        ("Provider ID", "", "is empty"),
        ("Domain", "Kind", "must be Safe"),
    ],
)
def test_bad_cells_name_file_row_column_and_value(column: str, value: str, message: str) -> None:
    rows = grid_of(SNAPSHOT_2019)
    header = find_header("p.csv", rows, None)
    row, cells = next(records("t.csv", rows, header))
    cells[column] = value
    with pytest.raises(InputError, match=message) as caught:
        parse_record("p.csv", row, cells, header)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == ("p.csv", 2, column, value)


def test_older_layout_errors_use_the_files_own_column_name() -> None:
    rows = grid_of(OLDER)
    header = find_header("old.csv", rows, None)
    row, cells = next(records("t.csv", rows, header))
    cells["Domain"] = "Kind"
    with pytest.raises(InputError) as caught:
        parse_record("old.csv", row, cells, header)
    assert caught.value.column == "Key Question"


def test_ods_workbook_sheets_are_read_with_banner_rows(tmp_path: Path) -> None:
    book = write_ods(tmp_path / "latest.ods")
    rows = grid_of(book)  # Providers by default
    header = find_header("latest.ods", rows, "Providers")
    assert header.row == 2
    assert [list(r) for r in rows[1:]] == read_rows(SNAPSHOT_2019)
    locations = grid_of(book, "Locations")
    assert find_header("latest.ods", locations, "Locations").row == 1


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    book = write_ods(tmp_path / "latest.ods")
    with pytest.raises(InputError, match="has no sheet 'Provider'"):
        read_grid(book, book.read_bytes(), "Provider")


def test_an_unknown_file_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"expected \.ods"):
        read_grid(tmp_path / "x.pdf", b"%PDF", None)


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("Acute hospital - NHS non-specialist", ProviderType.ACUTE),
        ("Acute hospital - NHS specialist", ProviderType.SPECIALIST),
        ("Mental health - community & residential - NHS", ProviderType.MENTAL_HEALTH),
        ("Community health - NHS & Independent", ProviderType.COMMUNITY),
        ("Ambulance service", ProviderType.AMBULANCE),
        ("Residential social care", None),
    ],
)
def test_provider_type_from_primary_inspection_category(
    category: str, expected: ProviderType | None
) -> None:
    assert provider_type_for(category) is expected
