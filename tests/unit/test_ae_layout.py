"""Reading A&E files: layouts told apart by header, period codes, the TOTAL row, refusals."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from ae_samples import APRIL_2025, SEPTEMBER_2024, TIDY, grid
from specialmeasures.domain import InputError
from specialmeasures.domain.standard import standard_in_force
from specialmeasures.ingest.ae_catalogue import packaged_standards
from specialmeasures.ingest.ae_layout import PUBLISHED, parse_ae, parse_period
from specialmeasures.ingest.ae_layout import TIDY as TIDY_LAYOUT


def text(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("MSitAE-APRIL-2025", date(2025, 4, 1)),
        ("MSitAE-SEPTEMBER-2024 ", date(2024, 9, 1)),
        ("msitae-december-2024", date(2024, 12, 1)),
        ("2017-03-01", date(2017, 3, 1)),
        ("2017-03", date(2017, 3, 1)),
        ("2017-03-15", None),
        ("MSitAE-APRILL-2025", None),
        ("2017-13", None),
        ("", None),
    ],
)
def test_period_cells(cell: str, expected: date | None) -> None:
    assert parse_period(cell) == expected


def test_published_file_with_extra_empty_columns_reads_by_header() -> None:
    parsed = parse_ae(SEPTEMBER_2024.name, SEPTEMBER_2024.read_bytes())
    assert parsed.layout == PUBLISHED
    assert parsed.total_checked
    assert parsed.periods == (date(2024, 9, 1),)
    assert "TOTAL" not in {r.org_code for r in parsed.rows}
    assert parsed.ignored_columns == ("a",)


def test_moved_and_respaced_columns_read_the_same() -> None:
    rows = grid(APRIL_2025)
    order = [0, 1, 3, 2, *range(21, 3, -1)]
    moved = [[r[k] for k in order] for r in rows]
    moved[0] = [f"  {h.upper()} " for h in moved[0]]
    a = parse_ae("a.csv", APRIL_2025.read_bytes())
    b = parse_ae("b.csv", text(moved))
    assert [(r.org_code, r.counts) for r in a.rows] == [(r.org_code, r.counts) for r in b.rows]


def test_tidy_layout_merges_types_into_organisation_months() -> None:
    parsed = parse_ae(TIDY.name, TIDY.read_bytes())
    assert parsed.layout == TIDY_LAYOUT
    assert len(parsed.periods) == 36
    first = next(r for r in parsed.rows if (r.org_code, r.period) == ("RF4", date(2017, 3, 1)))
    assert (first.counts["attendances_type1"], first.counts["over4_type1"]) == (21289, 2879)
    assert first.counts["attendances_other"] == 2850
    assert first.counts["booked_type1"] is None


def _published(*body: list[str]) -> bytes:
    head = grid(APRIL_2025)[0]
    return text([head, *body])


def _org(
    code: str, t1: str = "10", over: str = "2", period: str = "MSitAE-APRIL-2025"
) -> list[str]:
    return [period, code, "P", "Name", t1, *["0"] * 5, over, *["0"] * 11]


@pytest.mark.parametrize(
    ("rows", "row", "column", "value", "words"),
    [
        ([_org("AAA", t1="1.5")], 2, "A&E attendances Type 1", "1.5", "whole number"),
        ([_org("AAA", t1="")], 2, "A&E attendances Type 1", "", "whole number"),
        ([_org("AAA", t1="-3")], 2, "A&E attendances Type 1", "-3", "whole number"),
        ([_org("AAA", over="11")], 2, "Attendances over 4hrs Type 1", 11, "exceed"),
        ([_org("AAA"), _org("AAA")], 3, "Org Code", "AAA", "listed twice"),
        ([_org("AAA", period="APRIL 2025")], 2, "Period", "APRIL 2025", "not a period"),
        ([["TOTAL"] * 4 + ["10"] + ["0"] * 17, _org("AAA")], 3, "Org Code", "AAA", "TOTAL row"),
        ([_org("AAA"), ["TOTAL"] * 4 + ["10"] + ["0"] * 5 + ["2"] + ["0"] * 11,
          ["Total"] * 4 + ["10"] + ["0"] * 17], 4, "Period", "Total", "second TOTAL"),
    ],
)  # fmt: skip
def test_malformed_published_rows_are_refused_naming_row_column_value(
    rows: list[list[str]], row: int, column: str, value: object, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_ae("bad.csv", _published(*rows))
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == ("bad.csv", row, column, value)
    assert words in str(error)


def test_a_file_of_neither_layout_is_refused() -> None:
    with pytest.raises(InputError, match="neither A&E layout"):
        parse_ae("x.csv", b"when,who,how many\n2024-01,RXN,3\n")


def test_tidy_refusals_name_the_cell() -> None:
    head = "period,org_code,type,attendances,breaches,admissions"
    cases = [
        (f"{head}\n2017-03-01,RF4,3,10,1,0\n", 2, "type", "3"),
        (f"{head}\n2017-03-01,RF4,1,10,11,0\n", 2, "breaches", "11"),
        (f"{head}\n2017-03-01,RF4,1,10,1,0\n2017-03-01,RF4,1,10,1,0\n", 3, "org_code", "RF4"),
        (f"{head}\n2017-03-01,TOTAL,1,10,1,0\n", 2, "org_code", "TOTAL"),
    ]
    for body, row, column, value in cases:
        with pytest.raises(InputError) as caught:
            parse_ae("t.csv", body.encode())
        assert (caught.value.row, caught.value.column, caught.value.value) == (row, column, value)


def test_standard_in_force_is_the_planning_guidance_else_the_constitution() -> None:
    standards = packaged_standards()
    assert standard_in_force(standards, date(2025, 3, 1)).threshold == 0.78  # type: ignore[union-attr]
    assert standard_in_force(standards, date(2024, 2, 1)).threshold == 0.76  # type: ignore[union-attr]
    assert standard_in_force(standards, date(2018, 9, 1)).threshold == 0.90  # type: ignore[union-attr]
    in_2017 = standard_in_force(standards, date(2017, 1, 1))
    assert in_2017 is not None
    assert (in_2017.kind, in_2017.threshold) == ("constitutional", 0.95)
    assert standard_in_force(standards, date(2009, 1, 1)) is None
    assert all(s.source and s.source_url.startswith("https://") for s in standards)


def test_a_published_file_without_name_columns_uses_the_code() -> None:
    rows = grid(APRIL_2025)
    keep = [k for k, h in enumerate(rows[0]) if h not in ("Org name", "Parent Org")]
    parsed = parse_ae("slim.csv", text([[r[k] for k in keep] for r in rows]))
    first = parsed.rows[0]
    assert (first.org_code, first.org_name, first.parent_org) == ("NDJ", "NDJ", "")


def test_a_file_that_is_not_text_is_refused() -> None:
    with pytest.raises(InputError, match="is not UTF-8 text"):
        parse_ae("x.csv", b"Period,Org Code\x81\x8d\n")


def test_an_older_publication_without_booked_appointments_reads_them_as_not_published() -> None:
    rows = grid(APRIL_2025)
    keep = [k for k, h in enumerate(rows[0]) if "Booked" not in h]
    parsed = parse_ae("older.csv", text([[r[k] for k in keep] for r in rows]))
    assert parsed.total_checked
    first = parsed.rows[0]
    assert first.counts["booked_type1"] is None
    assert first.counts["attendances_other"] == 2350
