"""A table of malformed import files, each with the refusal it must get.

Every case is built from a small valid file of one importer (CQC providers and locations CSV,
CQC workbooks, the real SMQ record, evidence and codebook CSVs, a monthly return's JSON, a
statistics command's CSV input, NHS England's monthly A&E file and the ODS register's etr file)
with one fault put in. Files and names are synthetic test data, except the A&E and ODS bases:
the first rows of the published files in ``data/real`` (real organisations, real counts).
``tests/integration/test_malformed_imports.py`` runs every case on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ae_samples import APRIL_2025 as AE_APRIL_2025
from ae_samples import REAL as REAL_DATA
from cqc_samples import LOCATIONS, SNAPSHOT_2019, read_rows

Rows = list[list[str]]
ODS_ETR_2025 = REAL_DATA / "ods" / "etr_2025.csv"


@dataclass(frozen=True)
class Base:
    """A valid file of one importer, as rows, with where a fault may be put."""

    kind: str
    rows: Rows
    suffix: str
    text_column: str  # a stored, single-line text column
    required: str | None  # a required column (None: the importer requires none)
    prefix: str = ""  # lines above the header (the real record's provenance)

    @property
    def offset(self) -> int:
        """Spreadsheet row number of ``rows[0]`` minus one."""
        return self.prefix.count("\n")

    def row_of(self, index: int) -> int:
        return index + 1 + self.offset


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    name: str
    data: bytes
    message: str  # a fragment the refusal's message must contain
    row: int | None = None
    column: str | None = None
    options: dict[str, str] = field(default_factory=dict)


def to_csv(rows: Rows, *, newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def copy(rows: Rows) -> Rows:
    return [list(r) for r in rows]


EVIDENCE_HEADER = [
    "ref", "site", "date", "source_type", "tier", "title", "rap_context", "rap_interventions",
    "rap_drivers", "rap_barriers", "rap_unintended_consequences", "rap_sustainability", "quote",
    "codes",
]  # fmt: skip
REAL_HEADER = [
    "trust_name", "regime", "event", "event_date", "date_precision", "decided_by", "basis",
    "ratings_note", "source_url", "notes",
]  # fmt: skip
SYNTHETIC_TRUST = "Testshire Hospitals NHS Trust (synthetic test data)"

BASES = {
    "cqc": Base("cqc", read_rows(SNAPSHOT_2019), ".csv", "Provider Name", "Latest Rating"),
    "locations": Base("locations", read_rows(LOCATIONS), ".csv", "Location Name", "Location ID"),
    "real": Base(
        "real",
        [
            REAL_HEADER,
            [
                SYNTHETIC_TRUST,
                "SMQ",
                "entry",
                "2014-07-16",
                "day",
                "NHS TDA",
                "test",
                "",
                "https://example.invalid/a",
                "",
            ],
            [
                SYNTHETIC_TRUST,
                "SMQ",
                "exit",
                "2016-03",
                "month",
                "NHS TDA",
                "test",
                "",
                "https://example.invalid/b",
                "",
            ],
        ],
        ".csv",
        "trust_name",
        "event",
        prefix="# SOURCE: synthetic test record, not real events\n",
    ),
    "evidence": Base(
        "evidence",
        [
            EVIDENCE_HEADER,
            [
                "I-1",
                "ZA1",
                "2019-03-01",
                "interview",
                "senior",
                "CEO",
                "",
                "",
                "",
                "",
                "",
                "",
                "A quote",
                "governance",
            ],
            [
                "D-1",
                "ZA1",
                "2019-03-02",
                "document",
                "external",
                "Board papers",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "governance",
            ],
        ],
        ".csv",
        "title",
        "ref",
    ),
    "codebook": Base(
        "codebook",
        [["code", "family", "label", "description"], ["new_code", "other", "A new code", "d"]],
        ".csv",
        "label",
        "label",
    ),
    # NHS England's monthly A&E file as published (its first three organisations, no TOTAL row).
    "ae": Base("ae", read_rows(AE_APRIL_2025)[:4], ".csv", "Org name", "Org Code"),
    "table": Base(
        "table",
        [["month", "value"], ["2020-01", "3"], ["2020-02", "4"], ["2020-03", "5"]],
        ".csv",
        "month",
        None,
    ),
}


def encode(base: Base, rows: Rows, *, newline: str = "\n") -> bytes:
    return (base.prefix + to_csv(rows, newline=newline)).encode()


def with_text(base: Base, value: str, index: int = 1) -> tuple[Rows, int]:
    """The rows with ``value`` in the base's text column of ``rows[index]``."""
    rows = copy(base.rows)
    rows[index][rows[0].index(base.text_column)] = value
    return rows, base.row_of(index)


def generic_cases(base: Base) -> list[Case]:
    """Faults every CSV importer must refuse in the same words."""
    k, col = base.kind, base.text_column
    name = f"{k}{base.suffix}"
    cases: list[Case] = []

    def add(id_: str, data: bytes, message: str, row: int | None = None,
            column: str | None = None) -> None:  # fmt: skip
        cases.append(Case(f"{k}-{id_}", k, name, data, message, row, column))

    good = encode(base, base.rows)
    rows, row = with_text(base, "Caf\u00e9 Hospital")
    latin1 = (base.prefix + to_csv(rows)).encode("latin-1")
    add("latin-1", latin1, "is not UTF-8 text", latin1.count(b"\n", 0, latin1.index(b"\xe9")) + 1)
    rows, row = with_text(base, "\u201cquoted\u201d")
    cp1252 = (base.prefix + to_csv(rows)).encode("cp1252")
    add("cp1252", cp1252, "is not UTF-8 text")
    add("utf-16", (base.prefix + to_csv(base.rows)).encode("utf-16"), "is not UTF-8 text")
    add("empty", b"", "is empty")
    add("blank", b"  \n\n \r\n", "is empty")
    for label, char, code in (
        ("nul", "\x00", "U+0000"),
        ("escape", "\x1b", "U+001B"),
        ("bell", "\x07", "U+0007"),
        ("delete", "\x7f", "U+007F"),
        ("c1", "\x85", "U+0085"),
        ("rlo", "\u202e", "U+202E"),
        ("rli", "\u2067", "U+2067"),
        ("lrm", "\u200e", "U+200E"),
        ("line-separator", "\u2028", "U+2028"),
        ("inner-bom", "\ufeff", "U+FEFF"),
    ):
        rows, row = with_text(base, f"Name{char}tail")
        add(label, encode(base, rows), code, row, col)
    rows, row = with_text(base, "first line\nsecond line")
    add("line-break", encode(base, rows), "U+000A", row, col)
    rows, row = with_text(base, "x" * 140_000)
    add("huge-field", encode(base, rows), "more than the 131,072 allowed", row)
    # Structural faults, written by hand (a csv writer would quote them away).
    text = good.decode()
    add("unterminated-quote", (text + '"never closed,1\n').encode(), "never closed",
        base.row_of(len(base.rows)))  # fmt: skip
    last = to_csv([base.rows[-1]]).rstrip("\n")
    add("text-after-quote", (text + f'"closed"then,{last}\n').encode(), "follows the closing quote",
        base.row_of(len(base.rows)))  # fmt: skip
    short = copy(base.rows)
    short[1] = short[1][:-1]
    add("short-row", encode(base, short), "short row", base.row_of(1))
    long = copy(base.rows)
    long[1] = [*long[1], "extra"]
    add("long-row", encode(base, long), "unquoted comma", base.row_of(1))
    duplicate = [[*r, r[base.rows[0].index(col)]] for r in base.rows]
    add("duplicate-column", encode(base, duplicate), "appears twice", base.row_of(0))
    add("header-only", encode(base, base.rows[:1]), "no data rows", base.row_of(0))
    add("header-and-blank-rows", encode(base, [base.rows[0], [], []]), "no data rows")
    unnamed = [[*r[:1], "", *r[1:]] for r in base.rows]
    unnamed[1:] = [[*r[:1], "x", *r[2:]] for r in unnamed[1:]]
    add("unnamed-column", encode(base, unnamed), "has no name", base.row_of(0))
    if base.required is not None:
        at = base.rows[0].index(base.required)
        missing = [r[:at] + r[at + 1 :] for r in base.rows]
        add("missing-column", encode(base, missing), "header")
    return cases


def cqc_cases() -> list[Case]:
    cases: list[Case] = []
    providers, locations = BASES["cqc"], BASES["locations"]

    def cell(base: Base, column: str, value: str, index: int = 1) -> bytes:
        rows = copy(base.rows)
        rows[index][rows[0].index(column)] = value
        return encode(base, rows)

    for label, value in (("year-1", "01/01/0001"), ("year-2999", "01/01/2999"),
                         ("year-2099", "01/01/2099"), ("iso-1", "0001-01-01"),
                         ("1900", "31/12/1900")):  # fmt: skip
        cases.append(Case(f"cqc-date-{label}", "cqc", "cqc.csv",
                          cell(providers, "Publication Date", value), "not a plausible date", 2,
                          "Publication Date"))  # fmt: skip
    cases += [
        Case("cqc-region-250", "cqc", "cqc.csv", cell(providers, "Provider NHS Region", "R" * 250),
             "at most 120", 2, "Provider NHS Region"),
        Case("cqc-name-301", "cqc", "cqc.csv", cell(providers, "Provider Name", "N" * 301),
             "at most 300", 2, "Provider Name"),
        Case("cqc-report-type-41", "cqc", "cqc.csv", cell(providers, "Report Type", "T" * 41),
             "at most 40", 2, "Report Type"),
        Case("locations-id-40", "locations", "locations.csv",
             cell(locations, "Location ID", "ZZ1-" + "L" * 36), "at most 32", 2, "Location ID"),
        Case("locations-group-201", "locations", "locations.csv",
             cell(locations, "Service / Population Group", "G" * 201), "at most 200", 2,
             "Service / Population Group"),
        Case("locations-name-301", "locations", "locations.csv",
             cell(locations, "Location Name", "N" * 301), "at most 300", 2, "Location Name"),
        Case("locations-date-2999", "locations", "locations.csv",
             cell(locations, "Publication Date", "01/01/2999"), "not a plausible date", 2,
             "Publication Date"),
        Case("cqc-domain-and-key-question", "cqc", "cqc.csv",
             encode(providers, [[*providers.rows[0], "Key Question"]]
                    + [[*r, r[providers.rows[0].index("Domain")]] for r in providers.rows[1:]]),
             "appears twice", 1),
        Case("cqc-file-name-rlo", "cqc", "cqc\u202evsc.csv", encode(providers, providers.rows),
             "the file name holds a control or direction character"),
        Case("cqc-wrong-suffix", "cqc", "cqc.pdf", b"%PDF-1.4", "is not a CQC ratings file"),
        Case("cqc-xlsx-corrupt", "cqc", "cqc.xlsx", b"PK\x03\x04 not really a zip",
             "cannot be read as a workbook"),
        Case("cqc-ods-corrupt", "cqc", "cqc.ods", b"\x00\x01\x02", "cannot be read as a workbook"),
    ]  # fmt: skip
    # Two location ids that were one after the old 32-character cut.
    rows = copy(locations.rows)
    ident = rows[0].index("Location ID")
    rows[1][ident] = "ZZ1-" + "A" * 30 + "-1"
    rows[2][ident] = "ZZ1-" + "A" * 30 + "-2"
    cases.append(Case("locations-ids-colliding-when-cut", "locations", "locations.csv",
                      encode(locations, rows), "at most 32", 2, "Location ID"))  # fmt: skip
    return cases


def workbook(rows: Rows, suffix: str, sheet: str = "Providers") -> bytes:
    out = io.BytesIO()
    engine = "odf" if suffix == ".ods" else "openpyxl"
    with pd.ExcelWriter(out, engine=engine) as book:
        pd.DataFrame(rows).to_excel(book, sheet_name=sheet, header=False, index=False)
    return out.getvalue()


def workbook_cases() -> list[Case]:
    base = BASES["cqc"]
    cases: list[Case] = []
    for suffix in (".xlsx", ".ods"):
        tag = suffix[1:]

        def add(id_: str, rows: Rows, message: str, row: int | None = None,
                column: str | None = None, sheet: str = "Providers", tag: str = tag,
                suffix: str = suffix) -> None:  # fmt: skip
            cases.append(Case(f"cqc-{tag}-{id_}", "cqc", f"cqc{suffix}",
                              workbook(rows, suffix, sheet), message, row, column))  # fmt: skip

        rows, row = with_text(base, "Name\u202etail")
        add("rlo", rows, "U+202E", row, "Provider Name")
        region = copy(base.rows)
        region[1][region[0].index("Provider NHS Region")] = "R" * 250
        add("region-250", region, "at most 120", 2, "Provider NHS Region")
        future = copy(base.rows)
        future[1][future[0].index("Publication Date")] = "2999-01-01"
        add("date-2999", future, "not a plausible date", 2, "Publication Date")
        add("header-only", base.rows[:1], "no data rows", 1)
        duplicate = [[*r, r[base.rows[0].index("Latest Rating")]] for r in base.rows]
        add("duplicate-column", duplicate, "appears twice", 1)
        add("missing-sheet", base.rows, "has no sheet 'Providers'", sheet="Other")
    return cases


def real_cases() -> list[Case]:
    base = BASES["real"]
    cases: list[Case] = []

    def cell(column: str, value: str, precision: str | None = None) -> bytes:
        rows = copy(base.rows)
        rows[1][rows[0].index(column)] = value
        if precision is not None:
            rows[1][rows[0].index("date_precision")] = precision
        return encode(base, rows)

    row = base.row_of(1)
    for label, value, precision in (("year-1", "0001-01-01", "day"), ("year-2999", "2999-01-01", "day"),
                                    ("year-2099", "2099", "year"), ("month-1900", "1900-01", "month")):  # fmt: skip
        cases.append(Case(f"real-date-{label}", "real", "real.csv", cell("event_date", value, precision),
                          "not a plausible date", row, "event_date"))  # fmt: skip
    cases += [
        Case("real-decided-by-121", "real", "real.csv", cell("decided_by", "D" * 121),
             "at most 120", row, "decided_by"),
        Case("real-regime-9", "real", "real.csv", cell("regime", "SMQSMQSMQ"), "at most 8", row,
             "regime"),
        Case("real-trust-301", "real", "real.csv", cell("trust_name", "T" * 301), "at most 300",
             row, "trust_name"),
        Case("real-url-501", "real", "real.csv",
             cell("source_url", "https://example.invalid/" + "u" * 480), "at most 500", row,
             "source_url"),
        Case("real-provenance-rlo", "real", "real.csv",
             ("# SOURCE: \u202eevil\n" + to_csv(base.rows)).encode(), "U+202E", 1),
        Case("real-basis-nul", "real", "real.csv", cell("basis", "a\x00b"), "U+0000", row,
             "basis"),
    ]  # fmt: skip
    return cases


def evidence_cases() -> list[Case]:
    base, book = BASES["evidence"], BASES["codebook"]
    cases: list[Case] = []

    def cell(b: Base, column: str, value: str) -> bytes:
        rows = copy(b.rows)
        rows[1][rows[0].index(column)] = value
        return encode(b, rows)

    for label, value in (("year-1", "0001-01-01"), ("year-2999", "2999-12-31"),
                         ("year-2099", "2099-01-01")):  # fmt: skip
        cases.append(Case(f"evidence-date-{label}", "evidence", "evidence.csv",
                          cell(base, "date", value), "not a plausible date", 2, "date"))  # fmt: skip
    cases += [
        Case("evidence-title-301", "evidence", "evidence.csv", cell(base, "title", "T" * 301),
             "at most 300", 2, "title"),
        Case("evidence-quote-nul", "evidence", "evidence.csv", cell(base, "quote", "a\x00b"),
             "U+0000", 2, "quote"),
        Case("evidence-quote-rlo", "evidence", "evidence.csv",
             cell(base, "quote", "\u202e=HYPERLINK(1)"), "U+202E", 2, "quote"),
        Case("evidence-summary-huge", "evidence", "evidence.csv",
             cell(base, "rap_context", "z" * 140_000), "131,072", 2),
        Case("codebook-label-250", "codebook", "codebook.csv", cell(book, "label", "L" * 250),
             "at most 200", 2, "label"),
        Case("codebook-description-bidi", "codebook", "codebook.csv",
             cell(book, "description", "x\u2066y"), "U+2066", 2, "description"),
    ]  # fmt: skip
    return cases


def returns_cases() -> list[Case]:
    good = {"falls": 3, "vacancy_rate": "7.5"}

    def add(id_: str, data: bytes, message: str, column: str | None = None,
            period: str = "2017-01") -> Case:  # fmt: skip
        return Case(f"returns-{id_}", "returns", "return.json", data, message, None, column,
                    {"period": period})  # fmt: skip

    def obj(**values: object) -> bytes:
        return json.dumps({**good, **values}).encode()

    return [
        add("latin-1", '{"falls": "caf\u00e9"}'.encode("latin-1"), "is not UTF-8 text"),
        add("utf-16", json.dumps(good).encode("utf-16"), "is not UTF-8 text"),
        add("null", obj(falls=None), "not null", "falls"),
        add("true", obj(falls=True), "not a boolean", "falls"),
        add("list", obj(falls=[1, 2]), "not a list", "falls"),
        add("object", obj(falls={"a": 1}), "not an object", "falls"),
        add("nan", b'{"falls": NaN}', "not a finite number"),
        add("infinity", b'{"falls": -Infinity}', "not a finite number"),
        add("huge-number", b'{"falls": 1e999}', "not a finite number", "falls"),
        add("duplicate-key", b'{"falls": 1, "falls": 2}', "appears twice", "falls"),
        add("array", b"[1, 2]", "must be a JSON object"),
        add("string", b'"falls"', "must be a JSON object"),
        add("truncated", b'{"falls": 3', "is not JSON"),
        add("empty", b"", "is not JSON"),
        add("empty-object", b"{}", "at least one item", "return.values"),
        add("nested-deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        add("value-nul", obj(falls="a\x00b"), "U+0000", "falls"),
        add("value-rlo", obj(falls="\u202e3"), "U+202E", "falls"),
        add("value-long", obj(falls="9" * 10_001), "at most 10,000", "falls"),
        add("key-bidi", json.dumps({"fa\u202ells": 1}).encode(), "must be letters", "item"),
        add("key-unrequested", obj(unasked=1), "items no OAG body requested", "return.values"),
        add("period-2099", obj(), "not a plausible date", "period", "2099-01"),
        add("period-2999", obj(), "not a plausible date", "period", "2999-12"),
        add("period-0001", obj(), "not a plausible date", "period", "0001-01"),
    ]


def policy_cases() -> list[Case]:
    """``policy validate FILE``: a policy file is YAML, read by the pure rules engine."""

    def add(id_: str, data: bytes, message: str) -> Case:
        return Case(f"policy-{id_}", "policy", "policy.yaml", data, message)

    return [
        add("latin-1", "id: caf\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
        add("nul", b'id: "a\x00b"\n', "not valid YAML"),
        add("nested-deep", b"[" * 100_000, "nested too deeply"),
        add("empty", b"", "must be a YAML mapping"),
        add("list", b"- 1\n- 2\n", "must be a YAML mapping"),
        add("unterminated-quote", b'id: "never closed\n', "not valid YAML"),
    ]


def ods_cases() -> list[Case]:
    """The ODS register's etr file: no header, 24 or 27 fields; faults in its name column."""
    rows = read_rows(ODS_ETR_2025)[:3]
    name = "etr.csv"
    cases: list[Case] = []

    def with_name(value: str) -> bytes:
        changed = copy(rows)
        changed[1][1] = value
        return to_csv(changed).encode()

    for label, char in (("nul", "\x00"), ("escape", "\x1b"), ("rlo", "\u202e"),
                        ("lrm", "\u200e"), ("line-break", "\n"), ("inner-bom", "\ufeff")):  # fmt: skip
        code = f"U+{ord(char):04X}"
        cases.append(Case(f"ods-{label}", "ods", name, with_name(f"Name{char}tail"), code, 2,
                          "column 2 (name)"))  # fmt: skip
    text = to_csv(rows)
    cases += [
        Case("ods-latin-1", "ods", name, text.replace(rows[1][1], "CAF\u00c9").encode("latin-1"),
             "is not UTF-8 text", 2),
        Case("ods-empty", "ods", name, b"", "no rows"),
        Case("ods-huge-field", "ods", name, with_name("x" * 140_000), "131,072", 2),
        Case("ods-unterminated-quote", "ods", name, (text + '"never closed,1\n').encode(),
             "never closed", 4),
        Case("ods-short-row", "ods", name, to_csv([rows[0], rows[1][:-1], rows[2]]).encode(),
             "fields where the file's other rows have", 2),
        Case("ods-header", "ods", name, to_csv([[f"h{k}" for k in range(27)], *rows]).encode(),
             "is not an ODS organisation code", 1),
        Case("ods-duplicate-code", "ods", name, to_csv([*rows, rows[0]]).encode(),
             "appears twice", 4),
    ]  # fmt: skip
    return cases


def all_cases() -> list[Case]:
    cases = [c for base in BASES.values() for c in generic_cases(base)]
    # The A&E files as published may have columns without a name (September 2024 has five, all
    # empty): the importer refuses such a column only where a row puts a value in it.
    cases = [
        replace(c, row=2, message="has no name in the header") if c.id == "ae-unnamed-column" else c
        for c in cases
    ]
    cases += cqc_cases() + workbook_cases() + real_cases() + evidence_cases() + returns_cases()
    cases += policy_cases() + ods_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


def write(case: Case, folder: Path) -> Path:
    path = folder / case.name
    path.write_bytes(case.data)
    return path


Builder = Callable[[], list[Case]]
