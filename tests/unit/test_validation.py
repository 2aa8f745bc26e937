"""The importers' one validation layer (ingest/validation.py), file by file and cell by cell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from specialmeasures.domain import InputError
from specialmeasures.ingest.validation import (
    DateWindow,
    Limits,
    check_text,
    csv_table,
    decode,
    json_text,
    parse_csv,
    parse_json_object,
    read_bytes,
)
from specialmeasures.store.tables import providers


def refused(call: object, *args: object, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.exit_code == 2
    return caught.value


def test_utf8_with_or_without_a_byte_order_mark() -> None:
    assert decode("f.csv", b"a,b\n") == decode("f.csv", b"\xef\xbb\xbfa,b\n") == "a,b\n"


def test_other_encodings_are_refused_naming_the_line_and_bytes() -> None:
    error = refused(decode, "f.csv", "a,b\nCaf\u00e9,1\n".encode("cp1252"))
    assert (error.file, error.row, error.value) == ("f.csv", 2, b"\xe9,1\n")
    assert "no other encoding is guessed" in str(error)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_gives_the_same_records(newline: str) -> None:
    text = newline.join(["a,b", "1,2", '"x', 'y",3']) + newline
    assert parse_csv("f.csv", text) == [["a", "b"], ["1", "2"], [f"x{newline}y", "3"]]


@pytest.mark.parametrize(
    ("text", "message", "row", "column"),
    [
        ('a,b\n1,2\n3,"4\n5,6\n', "never closed", 3, "B"),
        ('a,b\n1,"2"x\n', "follows the closing quote", 2, "B"),
        ("a,b\n1," + "x" * 140_000 + "\n", "131,072", 2, "B"),
    ],
)
def test_structural_faults_name_row_and_column(
    text: str, message: str, row: int, column: str
) -> None:
    error = refused(parse_csv, "f.csv", text)
    assert message in str(error)
    assert (error.row, error.column) == (row, column)


def test_limits_on_rows_columns_and_cells() -> None:
    assert "more than 2 rows" in str(refused(parse_csv, "f.csv", "a\n1\n2\n", Limits(max_rows=2)))
    assert "3 cells" in str(refused(parse_csv, "f.csv", "a,b,c\n", Limits(max_columns=2)))
    error = refused(parse_csv, "f.csv", "a\nxxxx\n", Limits(max_field=3))
    assert (error.row, error.column) == (2, "A")
    with pytest.raises(ValueError, match="max_field"):
        Limits(max_field=200_000)


def test_header_and_width_checks() -> None:
    error = refused(csv_table, "f.csv", [["a", "A"], ["1", "2"]])
    assert "appears twice" in str(error)
    assert "has no 'c' column" in str(refused(csv_table, "f.csv", [["a"], ["1"]], required=["c"]))
    assert "no name" in str(refused(csv_table, "f.csv", [["a", "", "b"], ["1", "2", "3"]]))
    error = refused(csv_table, "f.csv", [["a", "b"], ["1"]])
    assert (error.row, error.column) == (2, "b")
    assert "short row" in str(error)
    assert "unquoted comma" in str(refused(csv_table, "f.csv", [["a"], ["1", "2"]]))
    assert "no data rows" in str(refused(csv_table, "f.csv", [["a"], [], [""]]))
    table = csv_table("f.csv", [["a", "b"], [" 1 ", "2", ""], [], ["3", "4"]])
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})
    ]  # fmt: skip


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066", "\ufeff"])
def test_control_and_direction_characters_are_refused(char: str) -> None:
    error = refused(csv_table, "f.csv", [["a"], [f"x{char}y"]])
    assert f"U+{ord(char):04X}" in str(error)
    assert (error.row, error.column) == (2, "a")


def test_line_breaks_only_where_a_column_allows_them() -> None:
    assert "U+000A" in str(refused(csv_table, "f.csv", [["a"], ["x\ny"]]))
    assert csv_table("f.csv", [["a"], ["x\ny"]], multiline={"a"}).rows[0].cell("a") == "x\ny"


def test_lengths_come_from_the_table_definition() -> None:
    ok = check_text("R" * 120, file="f", row=2, column="region", target=providers.c.region)
    assert len(ok) == 120
    error = refused(check_text, "R" * 121, file="f", row=2, column="region",
                    target=providers.c.region)  # fmt: skip
    assert "at most 120" in str(error)


def test_the_date_window() -> None:
    window = DateWindow.around(date(2026, 1, 5))
    assert window == DateWindow(date(1948, 7, 5), date(2027, 1, 6))
    assert window.check(date(2026, 6, 1), file="f", row=2, column="d") == date(2026, 6, 1)
    for day in (date(1, 1, 1), date(2099, 1, 1), date(2999, 1, 1), date(1948, 7, 4)):
        assert "not a plausible date" in str(
            refused(window.check, day, file="f", row=2, column="d")
        )


def test_json_objects_and_their_values() -> None:
    assert parse_json_object("r.json", b'{"a": 1, "b": "x"}') == {"a": 1, "b": "x"}
    assert "appears twice" in str(refused(parse_json_object, "r.json", b'{"a": 1, "a": 2}'))
    assert "NaN" in str(refused(parse_json_object, "r.json", b'{"a": NaN}'))
    assert "JSON object" in str(refused(parse_json_object, "r.json", b"[1]"))
    assert "is not UTF-8" in str(
        refused(parse_json_object, "r.json", '{"a": "\u00e9"}'.encode("latin-1"))
    )
    assert json_text("r.json", "a", -3) == "-3"
    assert json_text("r.json", "a", 2.5) == "2.5"
    for value, word in ((None, "null"), (True, "boolean"), ([1], "list"), ({"x": 1}, "object")):
        assert word in str(refused(json_text, "r.json", "a", value))


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    assert "cannot be read" in str(refused(read_bytes, tmp_path / "missing.csv"))
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 100)
    assert "100 bytes" in str(refused(read_bytes, big, Limits(max_bytes=10)))


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x85"])
def test_domain_text_refuses_control_characters_on_every_path(char: str) -> None:
    """Text reaching the model by other paths (CLI options, web forms) is held to the same bar
    for control characters, so PostgreSQL never sees a NUL that SQLite would have stored."""
    from specialmeasures.domain import DomainError
    from specialmeasures.domain._checks import require_text

    assert require_text("f", "two\nlines\tand a tab") == "two\nlines\tand a tab"
    with pytest.raises(DomainError, match=f"U\\+{ord(char):04X}"):
        require_text("f", f"a{char}b")
