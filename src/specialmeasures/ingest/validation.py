"""One validation layer for every file an importer reads: refuse, never crash or guess.

Every importer (CQC ratings, the real SMQ record, evidence and codebooks, monthly returns, the
statistics commands' CSV inputs) reads its file through these functions, so the same file is
refused for the same reason with the same message whichever importer reads it and whichever
database is behind it. A refusal is an ``InputError`` naming the file, row, column and value;
the command line exits 2 and, because every check runs before the importer opens its
transaction (or inside it, which then rolls back), the database is unchanged.

What is refused (docs/ingest-validation.md lists each with its message):

* bytes that are not UTF-8 (a byte-order mark is allowed and dropped); no other encoding is
  guessed;
* files, rows, columns and cells beyond :class:`Limits`;
* structural CSV faults: a quote never closed, text after a closing quote;
* a header with a repeated or blank column name, or without a required column;
* rows shorter than the header, or longer with non-empty extra cells;
* control characters (NUL included) and bidirectional-override characters in any cell;
* text longer than the database column it is stored in (taken from the table definition, so it
  holds on SQLite, which would store it, and PostgreSQL, which would fail);
* dates outside a :class:`DateWindow` (neither 0001-01-01 nor 2999-01-01 is plausible);
* JSON that is not UTF-8, repeats a key, or holds ``null``, booleans, lists, objects or
  non-finite numbers where text or numbers are wanted.

Line endings: LF, CRLF and CR-only (old Mac) files are all read, as the CSV standard's record
separators; a line break inside a cell is kept only where the column allows several lines.
A file with a header and no data rows is refused (it is never recorded as an import).

>>> rows = parse_csv("t.csv", decode("t.csv", b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n"))
>>> rows
[['a', 'b'], ['1', '2']]
>>> table = csv_table("t.csv", rows, required=("a", "b"))
>>> table.header, table.rows[0].number, table.rows[0].cell("b")
(('a', 'b'), 2, '2')
"""

from __future__ import annotations

from specialmeasures.ingest.csv_checks import (
    CsvRow,
    CsvTable,
    check_header,
    check_width,
    csv_table,
    parse_csv,
    read_csv,
)
from specialmeasures.ingest.json_checks import json_text, parse_json_object, read_json_object
from specialmeasures.ingest.text_checks import (
    CSV_FIELD_LIMIT,
    DEFAULT_LIMITS,
    EARLIEST_DATE,
    FUTURE_DAYS,
    DateWindow,
    Limits,
    check_characters,
    check_text,
    column_length,
    decode,
    forbidden_character,
    printable,
    read_bytes,
    shown,
)

__all__ = [
    "CSV_FIELD_LIMIT",
    "DEFAULT_LIMITS",
    "EARLIEST_DATE",
    "FUTURE_DAYS",
    "CsvRow",
    "CsvTable",
    "DateWindow",
    "Limits",
    "check_characters",
    "check_header",
    "check_text",
    "check_width",
    "column_length",
    "csv_table",
    "decode",
    "forbidden_character",
    "json_text",
    "parse_csv",
    "parse_json_object",
    "printable",
    "read_bytes",
    "read_csv",
    "read_json_object",
    "shown",
]
