"""A columnar reader for the statistics commands' plain CSV inputs (pandas' C parser, in blocks).

The validating reader (``_tables.read_table``, the importers' one validation layer) keeps every
cell as a Python string; on 600,000 rows that is most of the time ``spc`` takes, and on tens of
millions of rows it does not fit in memory. Most inputs are plain: UTF-8 without control or
direction characters, no quotes, every line as wide as the header, no blank lines, every value a
number. For those this module reads only the columns asked for, a block of lines at a time, with
compact types: text columns as integer codes into their distinct (stripped) texts, number
columns as float64.

It never decides differently from the validating reader. Anything it does not handle exactly
as that reader would (a quote, a control, direction or non-UTF-8 byte, a blank or short or long
line, a cell that is not a finite number or a missing marker, a header the checks would
refuse, a column that is not there) makes :func:`read_columns` return a :class:`Fallback`
instead of columns; the caller then reads the file with the validating reader, which gives
the same answer (or the same error, with its row and column) as before. Data row ``i`` (from 0)
of a file read here is spreadsheet row ``i + 2``: no line was skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK_BYTES", "Columns", "Fallback", "iter_columns", "read_columns"]

#: Bytes of the file parsed at a time (cut at a line end): memory stays flat for large files.
BLOCK_BYTES = 64 * 1024 * 1024
#: Bytes that need no further look: printable ASCII but the quote, tab, line feed, carriage return.
_PLAIN = bytes(range(32, 127)).replace(b'"', b"") + b"\t\n\r"
# The characters the validation layer refuses in any cell (text_checks._FORBIDDEN), for blocks
# that hold non-ASCII text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ufeff]"
)
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Fallback:
    """Why the file needs the validating reader, and near which spreadsheet row (if known)."""

    reason: str
    row: int | None = None


@dataclass
class Columns:
    """The columns asked for: ``numbers[name]`` float64 (NaN: a missing cell), ``codes[name]``
    int32 codes into ``texts[name]`` (distinct stripped texts, in no particular order); ``start_row``
    is the spreadsheet row of the first row."""

    n_rows: int
    start_row: int = 2
    numbers: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    codes: dict[str, NDArray[np.int32]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)

    def first_row(self, column: str, text_index: int) -> int:
        """The spreadsheet row where text ``text_index`` of ``column`` first appears."""
        return int(np.flatnonzero(self.codes[column] == text_index)[0]) + self.start_row


def _blocks(path: Path, size: int) -> Iterator[bytes]:
    """The file's bytes in pieces of about ``size``, each ending at a line feed (or the end)."""
    with path.open("rb") as handle:
        rest = b""
        while True:
            chunk = handle.read(size)
            if not chunk:
                if rest:
                    yield rest
                return
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                rest = chunk
                continue
            rest = chunk[cut:]
            yield chunk[:cut]


def _screen(block: bytes, commas: int) -> str | None:
    """What in ``block`` the fast path does not read exactly as the validating reader, if any."""
    odd = block.translate(None, _PLAIN)
    if odd:
        if b'"' in odd:
            return "a quoted cell"
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            return "bytes that are not UTF-8"
        if _FORBIDDEN.search(text):
            return "a control or direction character"
    if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
        return "a carriage return that does not end a line"
    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if block and block[-1:] != b"\n":
        ends = np.append(ends, len(block))
    per_line = np.diff(np.searchsorted(np.flatnonzero(data == 44), ends), prepend=0)
    wrong = np.flatnonzero(per_line != commas)
    if wrong.size:
        return "a line that is blank or not as wide as the header"
    return None


def _header(line: str) -> list[str] | None:
    """The stripped header names, or None if the validation layer might refuse or read them
    differently (a quote, a blank name before a named one, a repeated name, a control
    character)."""
    if '"' in line or _FORBIDDEN.search(line) or "\r" in line.rstrip("\r"):
        return None
    names = [name.strip() for name in line.rstrip("\r").split(",")]
    last = max((i for i, name in enumerate(names) if name), default=-1)
    if any(not name for name in names[:last]) or last < 0:
        return None
    folded = [name.casefold() for name in names if name]
    if len(set(folded)) != len(folded):
        return None
    return names


def read_columns(
    path: Path,
    *,
    texts: Sequence[str] = (),
    numbers: Sequence[str] = (),
    missing: Collection[str] = (),
    block_bytes: int = BLOCK_BYTES,
) -> Columns | Fallback:
    """Read ``texts`` and ``numbers`` columns of a plain CSV file, or say why not.

    ``missing`` lists the cell texts read as a missing number (NaN) in ``numbers`` columns;
    any other cell that is not a finite number makes the file fall back (the validating reader
    names it).
    """
    parts: list[Columns] = []
    for part in iter_columns(
        path, texts=texts, numbers=numbers, missing=missing, block_bytes=block_bytes
    ):
        if isinstance(part, Fallback):
            return part
        parts.append(part)
    if not parts:
        return Fallback("no data rows")
    out = Columns(sum(p.n_rows for p in parts))
    for name in numbers:
        out.numbers[name] = np.concatenate([p.numbers.pop(name) for p in parts])
    for name in texts:
        out.codes[name] = np.concatenate([p.codes.pop(name) for p in parts])
        out.texts[name] = parts[-1].texts[name]
    return out


def iter_columns(
    path: Path,
    *,
    texts: Sequence[str] = (),
    numbers: Sequence[str] = (),
    missing: Collection[str] = (),
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[Columns | Fallback]:
    """The columns of :func:`read_columns` a block of lines at a time, in file order.

    Each block's ``codes`` index the file's distinct texts seen so far (its ``texts``, the
    same list growing from block to block); ``start_row`` is the spreadsheet row of its first
    line. A :class:`Fallback` is the last thing yielded when the file is not plain (blocks
    before it were).
    """
    try:
        if not path.is_file():
            yield Fallback("not a readable file")
            return
    except OSError:
        yield Fallback("not a readable file")
        return
    blocks = _blocks(path, block_bytes)
    first = next(blocks, b"")
    if first.startswith(_BOM):
        first = first[len(_BOM) :]
    line_end = first.find(b"\n")
    if line_end < 0:
        yield Fallback("no data rows")
        return
    try:
        header = _header(first[:line_end].decode("utf-8"))
    except UnicodeDecodeError:
        header = None
    if header is None:
        yield Fallback("a header the validating reader must check")
        return
    wanted = [*texts, *numbers]
    if any(name not in header for name in wanted):
        yield Fallback("a column is not in the header")
        return
    commas = len(header) - 1
    position = {name: header.index(name) for name in wanted}
    dtype: dict[int, Any] = {position[name]: object for name in texts}
    dtype.update({position[name]: np.float64 for name in numbers})
    na_values = {position[name]: list(missing) for name in numbers}
    index: dict[str, dict[str, int]] = {name: {} for name in texts}
    names: dict[str, list[str]] = {name: [] for name in texts}
    n_rows = 0

    def pieces() -> Iterator[bytes]:
        yield first[line_end + 1 :]
        yield from blocks

    for block in pieces():
        if not block:
            continue
        problem = _screen(block, commas)
        if problem is not None:
            yield Fallback(problem, n_rows + 2)
            return
        try:
            frame = _parse(block, sorted(position.values()), dtype, na_values)
        except (ValueError, OverflowError):
            yield Fallback("a cell that is not a number", n_rows + 2)
            return
        part = Columns(len(frame), start_row=n_rows + 2)
        for name in numbers:
            column = frame[position[name]].to_numpy(dtype=np.float64)
            finite = np.isfinite(column)
            if not finite.all() and not (missing and bool(np.isnan(column[~finite]).all())):
                yield Fallback("a number that is not finite", n_rows + 2)
                return
            part.numbers[name] = column
        for name in texts:
            # Cells kept as the texts they are (a "category" column would read "030001" as
            # the number 30001), then coded by one hash pass.
            codes, distinct = _factorize(frame[position[name]].to_numpy(dtype=object))
            if codes.size and (int(codes.min()) < 0 or "" in distinct):
                yield Fallback("an empty cell", n_rows + 2)
                return
            seen = index[name]
            # Distinct texts of this block, stripped, mapped to the file's codes.
            remap = np.empty(len(distinct), dtype=np.int32)
            for k, text in enumerate(distinct):
                stripped = str(text).strip()
                code = seen.get(stripped)
                if code is None:
                    code = seen[stripped] = len(names[name])
                    names[name].append(stripped)
                remap[k] = code
            part.codes[name] = remap[codes]
            part.texts[name] = names[name]
        if _blank_rows(part, index):
            # A row blank in every column read may be blank in all (the validating reader
            # skips such rows, and counts them).
            yield Fallback("a blank row", n_rows + 2)
            return
        n_rows += len(frame)
        yield part


def _blank_rows(part: Columns, index: dict[str, dict[str, int]]) -> bool:
    """Whether a row of ``part`` is empty or missing in every column read."""
    blank: NDArray[np.bool_] | None = None
    for name, codes in part.codes.items():
        empty = index[name].get("")
        here = codes == empty if empty is not None else np.zeros(codes.size, dtype=bool)
        blank = here if blank is None else blank & here
    for column in part.numbers.values():
        here = np.isnan(column)
        blank = here if blank is None else blank & here
    return blank is not None and bool(blank.any())


def _factorize(cells: NDArray[np.object_]) -> tuple[NDArray[np.intp], list[object]]:
    """Codes into the distinct cells (in order of first appearance), -1 for a missing one."""
    import pandas as pd  # type: ignore[import-untyped]

    codes, distinct = pd.factorize(cells)
    return np.asarray(codes, dtype=np.intp), list(distinct)


def _parse(
    block: bytes, columns: list[int], dtype: dict[int, Any], na_values: dict[int, list[str]]
) -> Any:
    import pandas as pd

    return pd.read_csv(
        io.BytesIO(block),
        header=None,
        usecols=columns,
        dtype=dtype,
        na_values=na_values,
        keep_default_na=False,
        na_filter=bool(any(na_values.values())),
        skip_blank_lines=False,
        index_col=False,
        engine="c",
        encoding="utf-8",
    )
