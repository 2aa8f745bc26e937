"""Import a list of Recovery Support Programme organisations (CSV), all or nothing.

Columns: ``case, icb, director, provider_code, entered_on, criterion``. Rows with the same
``case`` form one case: an organisation, or a system when ``icb`` is given (then ``director``,
the System Improvement Director, is required). Each row names a provider and one exit criterion
agreed at entry; a row with an empty ``provider_code`` is a criterion of the whole system. NHS
England publishes the list of organisations in the programme; the exit criteria are agreed per
case, so they come from the regulator's own records. Every bad cell is an error naming the
file, row, column and value, and nothing is written; the same file is imported once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from specialmeasures.domain import InputError, Regime, SpecialMeasuresError
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.reviewed_csv import table_reader
from specialmeasures.regime.support_cases import Who, open_case
from specialmeasures.store import Repository
from specialmeasures.store.tables import providers

__all__ = ["COLUMNS", "RspListResult", "import_rsp_list"]

COLUMNS = ("case", "icb", "director", "provider_code", "entered_on", "criterion")
KIND = "rsp_list"


@dataclass(slots=True)
class _Case:
    name: str
    icb: str
    director: str
    entered_on: date
    first_row: int
    members: list[str] = field(default_factory=list)
    criteria: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RspListResult:
    file: str
    cases: int
    providers: int
    already_imported: bool


def import_rsp_list(repo: Repository, path: str | Path, *, who: Who) -> RspListResult:
    file = Path(path)
    name = str(file)
    data, reader = table_reader(file, COLUMNS)
    cases: dict[str, _Case] = {}
    row_of: dict[tuple[str, str], int] = {}
    for row_number, raw in reader:
        cell = {c: (raw.get(c) or "").strip() for c in COLUMNS}

        def bad(column: str, message: str, rn: int = row_number, r: dict[str, str] = raw) -> None:
            raise InputError(message, file=name, row=rn, column=column, value=r.get(column))

        for column in ("case", "entered_on", "criterion"):
            if not cell[column]:
                bad(column, "empty cell")
        try:
            day = date.fromisoformat(cell["entered_on"])
        except ValueError:
            bad("entered_on", "not a date (YYYY-MM-DD)")
            raise  # pragma: no cover - bad() raises
        case = cases.get(cell["case"])
        if case is None:
            case = cases[cell["case"]] = _Case(cell["case"], cell["icb"], cell["director"], day,
                                               row_number)  # fmt: skip
        for column, mine, theirs in (("icb", cell["icb"], case.icb),
                                     ("director", cell["director"], case.director),
                                     ("entered_on", day, case.entered_on)):  # fmt: skip
            if mine != theirs:
                bad(column, f"differs from row {case.first_row} of the same case")
        code = cell["provider_code"].upper()
        if not code and not case.icb:
            bad("provider_code", "empty: only a system case (with an icb) has system criteria")
        if code and code not in case.members:
            case.members.append(code)
            row_of[(case.name, code)] = row_number
        case.criteria.append((code or None, cell["criterion"]))
    if not cases:
        raise InputError("no rows", file=name)
    digest = sha256_of(data)
    with repo.transaction() as conn:
        if find_import(conn, kind=KIND, sha256=digest, sheet="") is not None:
            return RspListResult(name, 0, 0, True)
        known = {r.code for r in conn.execute(select(providers.c.code))}
        for case in cases.values():
            for code in case.members:
                if code not in known:
                    raise InputError("unknown provider", file=name, row=row_of[(case.name, code)],
                                     column="provider_code", value=code)  # fmt: skip
            try:
                open_case(repo, regime=Regime.RSP, name=case.name, members=case.members,
                          criteria=case.criteria, on=case.entered_on, who=who,
                          icb=case.icb or None, director=case.director or None, conn=conn)  # fmt: skip
            except SpecialMeasuresError as error:
                raise InputError(str(error), file=name, row=case.first_row, column="case",
                                 value=case.name) from None  # fmt: skip
        n = sum(len(c.members) for c in cases.values())
        record_import(conn, kind=KIND, file_name=file.name, sha256=digest, sheet="",
                      rows_read=n, rows_applied=n, imported_at=who.at, actor=who.actor)  # fmt: skip
    return RspListResult(name, len(cases), n, False)
