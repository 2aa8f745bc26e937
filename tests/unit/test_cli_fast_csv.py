"""The columnar reader of the statistics commands (``cli/_fast_csv.py``) never decides differently
from the validating reader: on plain files and on every kind of unusual file, ``spc``'s reading
gives the same values, dates and facets, or the same error (message, row, column, value), as
reading through the importers' validation layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specialmeasures.cli._fast_csv import Columns, Fallback, read_columns
from specialmeasures.cli.spc import _read_series, _read_series_validated
from specialmeasures.domain.errors import InputError

PLAIN = "org,month,value\nA,2020-01-01,1.5\nA,2020-02-01,2\nB,2020-01-01,-3e-5\n"

CASES = {
    "plain": PLAIN,
    "crlf": PLAIN.replace("\n", "\r\n"),
    "bom": "\ufeff" + PLAIN,
    "no final newline": PLAIN.rstrip("\n"),
    "spaces around cells": "org , month,value\n A ,2020-01-01 , 1.5 \nA,2020-02-01,2\n",
    "missing values": "org,month,value\nA,2020-01-01,\nA,2020-02-01,NA\nA,2020-03-01,null\n",
    "missing with spaces": "org,month,value\nA,2020-01-01, NA \nA,2020-02-01,1\n",
    "month dates": "org,month,value\nA,2020-01,1\nA,2020-02,2\n",
    "quoted cells": 'org,month,value\n"A, the trust",2020-01-01,1\n"B",2020-01-01,2\n',
    "quoted header": '"org","month","value"\nA,2020-01-01,1\n',
    "blank line": "org,month,value\nA,2020-01-01,1\n\nA,2020-02-01,2\n",
    "blank row of commas": "org,month,value\nA,2020-01-01,1\n,,\nA,2020-02-01,2\n",
    "trailing empty cell": "org,month,value\nA,2020-01-01,1,\nA,2020-02-01,2,\n",
    "long row": "org,month,value\nA,2020-01-01,1,5\n",
    "short row": "org,month,value\nA,2020-01-01\n",
    "short row, value first": "value,org,month\n1,A\n",
    "not a number": "org,month,value\nA,2020-01-01,1\nA,2020-02-01,one\n",
    "nan text": "org,month,value\nA,2020-01-01,nan\n",
    "infinity": "org,month,value\nA,2020-01-01,inf\n",
    "huge": "org,month,value\nA,2020-01-01,1e400\n",
    "underscore number": "org,month,value\nA,2020-01-01,1_000\n",
    "bad date": "org,month,value\nA,2020-01-01,1\nA,2020-13-01,2\nB,31/01/2020,3\n",
    "bad date later first": "org,month,value\nB,junk,3\nA,2020-01-01,1\nA,junk,2\n",
    "duplicate date": "org,month,value\nA,2020-01-01,1\nB,2020-01-01,2\nA,2020-01-01,3\n",
    "duplicate after strip": "org,month,value\nA,2020-01-01,1\n A,2020-01-01,3\n",
    "no such column": "org,when,value\nA,2020-01-01,1\n",
    "repeated column": "org,month,value,Month\nA,2020-01-01,1,x\n",
    "blank column name": "org,,month,value\nA,x,2020-01-01,1\n",
    "header only": "org,month,value\n",
    "empty file": "",
    "non-ascii facet": "org,month,value\nHôpital,2020-01-01,1\n",
    "control character": "org,month,value\nA\x07,2020-01-01,1\n",
    "direction character": "org,month,value\nA\u202e,2020-01-01,1\n",
    "control in unread column": "org,month,value,note\nA,2020-01-01,1,x\x01\n",
    "cr only": "org,month,value\rA,2020-01-01,1\rA,2020-02-01,2\r",
    "tab": "org,month,value\nA\t,2020-01-01,\t1\n",
    "empty facet": "org,month,value\n,2020-01-01,1\n",
    "facets that look like numbers": (
        "org,month,value\n030001,2020-01-01,1\n1e3,2020-01-01,2\n 030001 ,2020-02-01,3\n"
        "1000,2020-01-01,4\n"
    ),
    "facets that look like numbers or not": (
        "org,month,value\n030001,2020-01-01,1\nnan,2020-01-01,5\nTrue,2020-01-01,6\n"
    ),
    "blank facet of spaces": "org,month,value\n  ,2020-01-01,1\n",
}


def _outcome(reader: object, path: Path, facet: str | None = "org") -> object:
    try:
        values, dates, facets = reader(path, "value", "month", facet)  # type: ignore[operator]
    except InputError as error:
        return ("error", str(error), error.row, error.column, error.value)
    return (
        "ok",
        values.tolist(),  # NaN compares unequal: repr below
        repr(values.tolist()),
        dates.astype(str).tolist(),
        [str(f) for f in facets.tolist()],
    )


def _same(a: object, b: object) -> None:
    if isinstance(a, tuple) and a[0] == "ok":
        assert isinstance(b, tuple)
        assert a[2:] == b[2:]
    else:
        assert a == b


@pytest.mark.parametrize("name", sorted(CASES))
def test_columnar_read_agrees_with_validating_reader(tmp_path: Path, name: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(CASES[name].encode("utf-8"))
    _same(_outcome(_read_series, path), _outcome(_read_series_validated, path))


def test_not_utf8_agrees(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"org,month,value\nH\xf4pital,2020-01-01,1\n")
    _same(_outcome(_read_series, path), _outcome(_read_series_validated, path))


def test_without_facet_agrees(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("month,value\n2020-01-01,1\n2020-02-01,2\n2020-01-01,3\n")
    _same(_outcome(_read_series, path, None), _outcome(_read_series_validated, path, None))


def test_plain_file_is_read_columnar(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(PLAIN)
    got = read_columns(path, texts=["org", "month"], numbers=["value"])
    assert isinstance(got, Columns)
    assert got.n_rows == 3
    assert got.numbers["value"].tolist() == [1.5, 2.0, -3e-5]
    assert [got.texts["org"][c] for c in got.codes["org"]] == ["A", "A", "B"]


def test_texts_that_look_like_numbers_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(CASES["facets that look like numbers"])
    got = read_columns(path, texts=["org", "month"], numbers=["value"])
    assert isinstance(got, Columns)
    read = [got.texts["org"][c] for c in got.codes["org"]]
    assert read == ["030001", "1e3", "030001", "1000"]


@pytest.mark.parametrize("name", ["quoted cells", "blank line", "long row", "not a number"])
def test_unusual_files_fall_back(tmp_path: Path, name: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(CASES[name])
    assert isinstance(read_columns(path, texts=["org", "month"], numbers=["value"]), Fallback)


def test_blocks_cut_at_line_ends_read_the_same(tmp_path: Path) -> None:
    """Many small blocks (a line may straddle two reads) give the same columns as one."""
    rng = np.random.default_rng(7)
    lines = ["org,month,value"]
    for k in range(500):
        lines.append(f"T{k % 37},{2000 + k // 37}-{k % 12 + 1:02d}-01,{rng.normal()!r}")
    path = tmp_path / "in.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = read_columns(path, texts=["org", "month"], numbers=["value"])
    small = read_columns(path, texts=["org", "month"], numbers=["value"], block_bytes=97)
    assert isinstance(whole, Columns)
    assert isinstance(small, Columns)
    assert small.numbers["value"].tolist() == whole.numbers["value"].tolist()
    for name in ("org", "month"):
        assert [small.texts[name][c] for c in small.codes[name]] == [
            whole.texts[name][c] for c in whole.codes[name]
        ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64)
        | st.floats(min_value=-1e-300, max_value=1e-300),
        min_size=1,
        max_size=40,
    )
)
def test_numbers_parse_exactly_as_python(values: list[float]) -> None:
    """The C parser's numbers are Python's: the output repeats each value's repr."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        body = "".join(
            f"A,{2000 + k // 12}-{k % 12 + 1:02d}-01,{v!r}\n" for k, v in enumerate(values)
        )
        path.write_text("org,month,value\n" + body)
        got = read_columns(path, texts=["org", "month"], numbers=["value"])
        assert isinstance(got, Columns)
        assert [repr(v) for v in got.numbers["value"].tolist()] == [repr(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.from_regex(r"\A[+-]?[0-9]{1,25}(\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?\Z"),
        min_size=1,
        max_size=40,
    )
)
def test_number_texts_parse_as_python_float(texts: list[str]) -> None:
    """Long mantissas and exponents as typed: the same float as Python's ``float``, or a
    fall back (never a different number)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        body = "".join(f"A,{2000 + k // 12}-{k % 12 + 1:02d}-01,{t}\n" for k, t in enumerate(texts))
        path.write_text("org,month,value\n" + body)
        got = read_columns(path, texts=["org", "month"], numbers=["value"])
        expected = [float(t) for t in texts]
        if isinstance(got, Fallback):
            assert not all(np.isfinite(expected))
        else:
            assert [repr(v) for v in got.numbers["value"].tolist()] == [repr(v) for v in expected]


def test_large_file_that_is_not_plain_is_refused_with_what_was_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the validating reader's size limit (512 MB; 40 bytes here) only a plain file is
    read: the refusal says what the columnar reader found and near which row."""
    from specialmeasures.cli import _tables
    from specialmeasures.ingest.validation import Limits

    monkeypatch.setattr(_tables, "DEFAULT_LIMITS", Limits(max_bytes=40))
    path = tmp_path / "in.csv"
    path.write_text(PLAIN + 'B,"2020-02-01",4\n')
    with pytest.raises(InputError) as caught:
        _read_series(path, "value", "month", "org")
    assert "plain CSV" in str(caught.value)
    assert "a quoted cell" in str(caught.value)
    assert caught.value.row == 2
    path.write_text(PLAIN)  # plain: read however large
    values, _, _ = _read_series(path, "value", "month", "org")
    assert values.tolist() == [1.5, 2.0, -3e-5]
