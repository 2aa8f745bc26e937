"""The ODS register file (etr): both published layouts, and malformed copies of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from specialmeasures.domain import InputError
from specialmeasures.ingest.ods_layout import parse_etr

REAL = Path(__file__).resolve().parents[2] / "data" / "real" / "ods"
OLDER = (REAL / "etr_2021.csv").read_bytes()
NEWER = (REAL / "etr_2025.csv").read_bytes()


def test_the_older_layout_has_24_unquoted_fields_and_closed_trusts() -> None:
    parsed = parse_etr("etr_2021.csv", OLDER)
    assert (parsed.rows_read, len(parsed.trusts), parsed.layout[:15]) == (
        241,
        241,
        "etr, 24 fields ",
    )
    by_code = {t.code: t for t in parsed.trusts}
    r1g = by_code["R1G"]
    assert (r1g.open_date, r1g.close_date) == (date(2012, 4, 1), date(2015, 9, 30))
    assert (r1g.region_code, r1g.icb_code) == ("Y57", "Q80")
    # Quoted names with commas survive; rows with no region or open date are allowed.
    assert by_code["RF4"].name == "BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST"
    assert (by_code["R0A"].region_code, by_code["R0A"].open_date) == (None, None)


def test_the_newer_layout_has_27_quoted_fields_regions_and_icbs() -> None:
    parsed = parse_etr("etr_2025.csv", NEWER)
    assert (parsed.rows_read, parsed.layout[:15]) == (210, "etr, 27 fields ")
    by_code = {t.code: t for t in parsed.trusts}
    assert by_code["G6V2S"].open_date == date(2024, 11, 1)  # five-character code
    assert (by_code["R0A"].region_code, by_code["R0A"].icb_code) == ("Y62", "QOP")
    assert by_code["RAP"].close_date == date(2024, 12, 31)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n") if b"\r\n" in data else data.split(b"\n")


def _with_line(data: bytes, index: int, line: bytes) -> bytes:
    lines = _lines(data)
    lines[index] = line
    return b"\n".join(lines)


def _refused(data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_etr("broken.csv", data)
    return caught.value


def test_a_short_row_is_refused_naming_the_row_and_its_field_count() -> None:
    short = b",".join(_lines(OLDER)[4].split(b",")[:20])
    error = _refused(_with_line(OLDER, 4, short))
    assert error.row == 5
    assert "has 20 fields where the file's other rows have 24" in str(error)
    assert error.value == "R1F"


def test_a_bad_open_date_names_row_column_and_value() -> None:
    line = _lines(NEWER)[2].replace(b'"20190401"', b'"20190431"')
    error = _refused(_with_line(NEWER, 2, line))
    assert (error.row, error.column, error.value) == (3, "column 11 (open date)", "20190431")
    assert "YYYYMMDD" in str(error)


def test_a_close_date_before_the_open_date_is_refused() -> None:
    line = _lines(OLDER)[5].replace(b",20150930,", b",20100930,")
    error = _refused(_with_line(OLDER, 5, line))
    assert (error.row, error.column, error.value) == (6, "column 12 (close date)", "20100930")


@pytest.mark.parametrize(
    ("old", "new", "column", "value"),
    [
        (b"R1C,", b"R1-C,", "column 1 (organisation code)", "R1-C"),
        (b",Y57,", b",Y5X,", "column 3 (NHS England region)", "Y5X"),
        (b",Q70,", b",Q7,", "column 4 (ICB code)", "Q7"),
    ],
)
def test_bad_codes_name_their_column(old: bytes, new: bytes, column: str, value: str) -> None:
    line = _lines(OLDER)[1].replace(old, new, 1)
    error = _refused(_with_line(OLDER, 1, line))
    assert (error.row, error.column, error.value) == (2, column, value)


def test_a_file_not_in_utf8_is_refused_at_the_bad_byte() -> None:
    line = _lines(OLDER)[6].replace(b"BARTS HEALTH", b"B\xc9RTS HEALTH")
    error = _refused(_with_line(OLDER, 6, line))
    assert "not UTF-8" in str(error)
    assert "0xC9" in str(error)
    assert (error.row, error.column) == (7, "column 2 (name)")


def test_a_utf16_file_is_refused() -> None:
    error = _refused(OLDER.decode("ascii").encode("utf-16"))
    assert "not UTF-8" in str(error)


def test_a_header_row_or_another_file_is_refused_on_its_first_row() -> None:
    error = _refused(
        b"period,org_code,type,attendances,breaches,admissions\n2016-04-01,R1A,1,2,3,4\n"
    )
    assert error.row == 1
    assert "24 (older layout) or 27" in str(error)
    header = b",".join([b"Organisation Code", b"Name", *([b"x"] * 22)])
    error = _refused(header + b"\n" + _lines(OLDER)[0])
    assert (error.row, error.column) == (1, "column 1 (organisation code)")


def test_a_code_twice_is_refused_naming_both_rows() -> None:
    lines = _lines(OLDER)
    error = _refused(b"\n".join([*lines[:3], lines[1]]))
    assert (error.row, error.value) == (4, "R1C")
    assert "first on row 2" in str(error)


def test_an_empty_file_is_refused() -> None:
    assert "holds no rows" in str(_refused(b"\r\n\r\n"))


def test_blank_lines_are_counted_not_read() -> None:
    parsed = parse_etr("x.csv", OLDER + b"\r\n\r\n")
    assert (parsed.rows_read, parsed.blank_rows) == (241, 2)
