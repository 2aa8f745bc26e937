"""The CQC ratings importer on real SQLite and PostgreSQL databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cqc_samples import (
    BANNER,
    LOCATIONS,
    OLDER,
    SNAPSHOT_2019,
    SNAPSHOT_2021,
    dump,
    with_cell,
    with_row_appended,
    write_ods,
)
from factories import provider
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import (
    InputError,
    KeyQuestion,
    ProviderType,
    Rating,
    Setting,
    SpecialMeasuresError,
)
from specialmeasures.ingest import ImportReport, import_cqc_ratings
from specialmeasures.store import audit
from specialmeasures.store.tables import imports, location_ratings

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def run(platform: Platform, path: Path, sheet: str | None = None) -> ImportReport:
    return import_cqc_ratings(platform.repository, path, actor="tester", at=AT, sheet=sheet)


def overall(platform: Platform, code: str, day: date) -> Rating:
    return platform.repository.ratings_in_force(day, [code])[code][KeyQuestion.OVERALL].rating


def test_first_snapshot_creates_nhs_trusts_and_their_ratings(platform: Platform) -> None:
    report = run(platform, SNAPSHOT_2019)
    assert report.providers_created == ("ZZ1", "ZZ2", "ZZ3")
    assert (report.rows_read, report.rows_applied) == (21, 17)
    assert report.skipped == {
        "not an NHS trust (Provider Type)": 1,
        "service / population group rows (trust ratings use Overall only)": 1,
        "Not applicable / Not Rated": 1,
        "repeated in the file with the same rating": 1,
    }
    zz1 = platform.repository.provider("ZZ1")
    assert zz1.type is ProviderType.ACUTE
    assert zz1.region == "North East and Yorkshire"
    assert (zz1.setting, zz1.system, zz1.synthetic) == (Setting.UNKNOWN, "not recorded", False)
    assert platform.repository.provider("ZZ3").type is ProviderType.AMBULANCE
    assert overall(platform, "ZZ1", date(2020, 1, 1)) is Rating.INADEQUATE
    # ZZ3's caring rating carries its own, earlier date; its safe rating was Not applicable.
    zz3 = platform.repository.ratings_in_force(date(2020, 1, 1), ["ZZ3"])["ZZ3"]
    assert zz3[KeyQuestion.CARING].published == date(2017, 1, 11)
    assert KeyQuestion.SAFE not in zz3
    assert len(platform.repository.inspections("ZZ3")) == 2


def test_successive_snapshots_keep_history_without_duplicates(platform: Platform) -> None:
    run(platform, SNAPSHOT_2019)
    report = run(platform, SNAPSHOT_2021)
    assert report.providers_created == ("ZZ4",)
    assert report.inspections_added == 2  # ZZ1's new publication, ZZ4's first
    assert report.skipped["already recorded by an earlier import"] == 11
    history = platform.repository.inspections("ZZ1")
    assert [i.publication_date for i in history] == [date(2019, 3, 14), date(2021, 2, 9)]
    assert overall(platform, "ZZ1", date(2020, 6, 1)) is Rating.INADEQUATE
    assert overall(platform, "ZZ1", date(2021, 6, 1)) is Rating.REQUIRES_IMPROVEMENT
    assert len(platform.repository.inspections("ZZ2")) == 1


def test_reimporting_the_same_file_changes_nothing_and_says_so(platform: Platform) -> None:
    first = run(platform, SNAPSHOT_2019)
    before = dump(platform.engine)
    again = run(platform, SNAPSHOT_2019)
    assert again.already_imported
    assert again.import_id == first.import_id
    assert again.rows_applied == 0
    assert dump(platform.engine) == before


def test_the_same_ratings_in_another_file_are_recognised(platform: Platform) -> None:
    run(platform, SNAPSHOT_2019)
    counts = platform.repository.counts()
    report = run(platform, BANNER)
    assert not report.already_imported
    assert report.rows_applied == 0
    assert platform.repository.counts() == counts


def test_ods_workbook_gives_the_same_register_as_the_csv(
    platform: Platform, tmp_path: Path
) -> None:
    report = run(platform, write_ods(tmp_path / "01_June_2019_Latest_ratings.ods"))
    assert (report.sheet, report.rows_read, report.rows_applied) == ("Providers", 21, 17)
    assert overall(platform, "ZZ2", date(2019, 1, 1)) is Rating.GOOD
    locations = run(platform, tmp_path / "01_June_2019_Latest_ratings.ods", sheet="Locations")
    assert locations.location_ratings_added == 8


def test_older_layout_imports(platform: Platform) -> None:
    report = run(platform, OLDER)
    assert report.layout == "older"
    assert report.providers_created == ("ZZ1", "ZZ2")
    assert overall(platform, "ZZ1", date(2020, 1, 1)) is Rating.INADEQUATE


def test_location_rows_are_kept_for_reference_only(platform: Platform) -> None:
    run(platform, SNAPSHOT_2019)
    ratings_before = platform.repository.counts()["ratings"]
    report = run(platform, LOCATIONS)
    assert report.location_ratings_added == 8
    assert report.skipped == {"location of a provider not in the register": 1}
    assert platform.repository.counts()["ratings"] == ratings_before
    with platform.engine.connect() as conn:
        not_rated = conn.execute(
            select(location_ratings.c.rating_text).where(location_ratings.c.rating.is_(None))
        ).scalars()
        assert list(not_rated) == ["Not Rated"]
    assert run(platform, LOCATIONS).already_imported


def test_each_import_is_recorded_in_the_imports_table_and_audit_log(platform: Platform) -> None:
    run(platform, SNAPSHOT_2019)
    run(platform, SNAPSHOT_2021)
    with platform.engine.connect() as conn:
        rows = list(conn.execute(select(imports).order_by(imports.c.id)).mappings())
        entries = audit.entries(conn, entity="import")
        assert audit.verify(conn) == []
    assert [r["file_name"] for r in rows] == ["providers_2019-06.csv", "providers_2021-06.csv"]
    assert rows[0]["actor"] == "tester"
    assert (rows[0]["rows_read"], rows[0]["rows_applied"], rows[0]["sheet"]) == (
        21,
        17,
        "Providers",
    )
    assert len(rows[0]["sha256"]) == 64
    assert [e.entity_key for e in entries] == [str(r["id"]) for r in rows]
    assert entries[1].payload["providers_created"] == ["ZZ4"]


BAD_CASES = [
    # (description, how to make the file, expected row, column, value, message)
    ("unknown rating text", "cell", 3, "Latest Rating", "Excellent", "must be Outstanding"),
    ("date that does not parse", "cell", 4, "Publication Date", "31/02/2021", "is not a date"),
    ("missing provider id", "cell", 5, "Provider ID", "", "is empty"),
    ("duplicate key", "append", 2, "Latest Rating", "Outstanding", "duplicate key"),
    ("unmapped category", "cell", 20, "Provider Primary Inspection Category", "Hospice", "maps to"),
    (
        "rating contradicting an earlier import",
        "cell",
        8,
        "Latest Rating",
        "Inadequate",
        "conflicts",
    ),
]


@pytest.mark.parametrize(
    ("how", "row", "column", "value", "message"),
    [case[1:] for case in BAD_CASES],
    ids=[case[0] for case in BAD_CASES],
)
def test_a_bad_row_stops_the_import_and_changes_nothing(
    platform: Platform,
    tmp_path: Path,
    how: str,
    row: int,
    column: str,
    value: str,
    message: str,
) -> None:
    run(platform, SNAPSHOT_2019)
    bad = tmp_path / "bad.csv"
    if how == "cell":
        with_cell(SNAPSHOT_2021, bad, row, column, value)
        expected_row = row
    else:
        with_row_appended(SNAPSHOT_2021, bad, row, column, value)
        expected_row = 27  # the appended copy of row 2, after 25 data rows and the header
    before = dump(platform.engine)
    with pytest.raises(InputError, match=message) as caught:
        run(platform, bad)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (
        "bad.csv",
        expected_row,
        column,
        value,
    )
    assert dump(platform.engine) == before


def test_real_ratings_are_never_attached_to_a_synthetic_provider(platform: Platform) -> None:
    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_providers(conn, [provider("ZZ1")])
    before = dump(platform.engine)
    with pytest.raises(InputError, match="synthetic"):
        run(platform, SNAPSHOT_2019)
    assert dump(platform.engine) == before


def test_the_synthetic_demo_database_is_refused(platform: Platform) -> None:
    repo = platform.repository
    with repo.transaction() as conn:
        repo.set_meta(conn, {"synthetic": "true"})
    with pytest.raises(SpecialMeasuresError, match="synthetic demo"):
        run(platform, SNAPSHOT_2019)
    with platform.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(imports)).scalar_one() == 0
