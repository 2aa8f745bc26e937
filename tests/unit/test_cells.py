"""The one escaping rule of every CSV and XLSX export (reports/cells.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from specialmeasures.reports.cells import (
    append_row,
    csv_cell,
    csv_row,
    escape_text,
    is_live_formula,
    xlsx_cell,
)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("https://x.invalid","y")', '\'=HYPERLINK("https://x.invalid","y")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-3.5", "-3.5"),
        ("+7", "+7"),
        ("-1e-3", "-1e-3"),
        ("-inf", "'-inf"),
        ("Good", "Good"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str, written: str) -> None:
    assert escape_text(text) == written
    assert not is_live_formula(written)


def test_numbers_and_empties_are_not_text() -> None:
    assert csv_row([None, -2, -2.5, True, "=x", date(2020, 1, 2)]) == [
        "", -2, -2.5, True, "'=x", "2020-01-02"
    ]  # fmt: skip
    assert xlsx_cell(None) is None
    assert xlsx_cell(-4.25) == -4.25
    assert xlsx_cell(date(2020, 1, 2)) == date(2020, 1, 2)
    assert csv_cell(["=a"]) == "['=a']"  # a list's text starts with '['


def test_a_csv_written_with_the_rule_reads_back_inert() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(csv_row(["=1+1", -3, "@x", "fine"]))
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells == ["'=1+1", "-3", "'@x", "fine"]
    assert not any(is_live_formula(c) for c in cells)


def test_a_workbook_row_has_no_formula_and_keeps_numbers() -> None:
    sheet = Workbook().active
    assert sheet is not None
    append_row(sheet, ["=SUM(A1:A2)", -3.2, 7, None, "text"])
    cells = list(sheet[sheet.max_row])
    assert [c.data_type for c in cells] == ["s", "n", "n", "n", "s"]
    assert cells[0].value == "'=SUM(A1:A2)"
    assert cells[1].value == -3.2


def test_the_terminal_table_shows_control_characters_as_escapes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from specialmeasures.cli._context import emit

    emit([{"name": "Trust\u202e[bold]x[/bold]\x1b[2J", "n": -3}], ["name", "n"], "table")
    out = capsys.readouterr().out
    assert "\\u202e[bold]x[/bold]\\u001b[2J" in out  # shown, neither acted on nor styled
    assert "\u202e" not in out
    assert "\x1b[2J" not in out
    assert "-3" in out
