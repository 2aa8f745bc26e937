"""Malformed import files on SQLite and PostgreSQL: 0 crashes, 0 accepted, 0 database changes.

Each case of ``tests/malformed_files.py`` (one importer's valid file with one fault put in) is
given to its importer's service function on a database that holds what the valid file needs
(providers, OAG requests). The case passes only if the importer raises ``InputError`` (exit code
2 at the command line) whose message holds the expected words and names the file (and the row
and column where the case says), and if every row of every table is the same afterwards. A
representative subset is also run through the command line: exit code 2, one ``error:`` line, no
traceback. Control tests show that each valid base file *is* accepted, so a refusal is the
fault's doing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cqc_samples import dump, read_rows
from factories import add_cli_accounts, provider
from malformed_files import BASES, ODS_ETR_2025, Case, all_cases, encode, to_csv, write
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.cli._tables import read_table
from specialmeasures.cli.main import cli
from specialmeasures.domain import InputError
from specialmeasures.evaluation.evidence_store import import_evidence
from specialmeasures.ingest import import_cqc_ratings, load_record, read_record
from specialmeasures.ingest.ae_import import import_ae
from specialmeasures.ingest.ods import import_ods
from specialmeasures.ingest.validation import printable
from specialmeasures.interventions import Actor
from specialmeasures.interventions import returns as returns_service
from specialmeasures.rules.policy import load_policy_file
from specialmeasures.settings import Settings

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
WHO = Actor("Tess Ter", "OAG chair", "malformed-file test", AT.replace(tzinfo=None))
CASES = all_cases()


def seed(platform: Platform) -> None:
    """What the valid base files need: trusts ZA1 and ZB1, and ZB1's OAG requests."""
    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_providers(conn, [provider("ZA1"), provider("ZB1")])
    returns_service.add_member(repo, "ZB1", "cqc", "Cara Q", WHO)
    returns_service.request_items(repo, "ZB1", "cqc", ["falls", "vacancy_rate"], WHO)


def run_importer(platform: Platform, case: Case, path: Path) -> Any:
    """Give ``path`` to the importer of ``case.kind``, as the command would."""
    repo = platform.repository
    if case.kind in ("cqc", "locations"):
        return import_cqc_ratings(repo, path, actor="tester", at=AT)
    if case.kind == "real":
        return load_record(repo, read_record(path), actor="tester", at=AT)
    if case.kind in ("evidence", "codebook"):
        return import_evidence(repo, path, at=AT)
    if case.kind == "returns":
        period = date.fromisoformat(case.options["period"] + "-01")
        return returns_service.submit_return(
            repo, returns_service.read_return(path, "ZB1", period), WHO
        )
    if case.kind == "ae":
        return import_ae(repo, path, actor="tester", at=AT)
    if case.kind == "ods":
        return import_ods(repo, path, actor="tester", at=AT)
    if case.kind == "table":
        return read_table(path)
    if case.kind == "policy":
        return load_policy_file(path)
    raise AssertionError(case.kind)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])  # fmt: skip
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Platform, str, dict[str, Any]]]:
    """One seeded database per backend for the whole module, and its full dump."""
    admin = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('malformed') / 'test.db'}"
    else:
        server = str(request.getfixturevalue("postgres_server"))
        name = f"sm_malformed_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    seed(platform)
    # Command-line writes act as an account: an analyst imports, a trust user of ZB1 submits.
    add_cli_accounts(platform.repository, trust="ZB1")
    try:
        yield platform, url, dump(platform.engine)
    finally:
        platform.close()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_the_suite_holds_at_least_100_malformed_files() -> None:
    assert len(CASES) >= 100
    assert {c.kind for c in CASES} == {*BASES, "returns", "policy", "ods"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_malformed_file_is_refused_and_changes_nothing(
    seeded: tuple[Platform, str, dict[str, Any]], case: Case, tmp_path: Path
) -> None:
    platform, _, before = seeded
    path = write(case, tmp_path)
    with pytest.raises(InputError) as caught:  # anything else (a crash) fails the test
        run_importer(platform, case, path)
    error = caught.value
    assert case.message in str(error)
    assert error.exit_code == 2
    if case.kind != "returns" or error.file is not None:
        assert error.file is not None, str(error)
        assert error.file.endswith(printable(case.name)), str(error)
    if case.row is not None:
        assert error.row == case.row, str(error)
    if case.column is not None:
        assert error.column == case.column, str(error)
    assert dump(platform.engine) == before


#: A representative subset through the command line: one of each kind of fault and importer.
CLI_CASES = [
    c
    for c in CASES
    if c.id
    in {
        "cqc-latin-1", "cqc-nul", "cqc-huge-field", "cqc-unterminated-quote", "cqc-short-row",
        "cqc-duplicate-column", "cqc-header-only", "cqc-date-year-2999", "cqc-region-250",
        "locations-ids-colliding-when-cut", "cqc-xlsx-rlo", "cqc-ods-date-2999",
        "real-latin-1", "real-date-year-1", "real-rlo", "evidence-text-after-quote",
        "evidence-date-year-2099", "codebook-label-250", "table-utf-16",
        "returns-latin-1", "returns-null", "returns-object", "returns-nan",
        "returns-period-2099", "returns-value-nul", "policy-latin-1", "ae-rlo",
        "ae-header-only", "ods-line-break", "ods-latin-1",
    }
]  # fmt: skip


def cli_args(case: Case, path: Path) -> list[str]:
    if case.kind in ("cqc", "locations"):
        return ["import", "cqc-ratings", str(path), "--as", "alan"]
    if case.kind == "real":
        return ["real-record", "load", "--file", str(path), "--as", "alan"]
    if case.kind in ("evidence", "codebook"):
        return ["evidence", "import", str(path), "--as", "alan"]
    if case.kind == "returns":
        return ["returns", "submit", "ZB1", "--period", case.options["period"], "--file",
                str(path), "--as", "tara", "--role", "chair", "--rationale", "test"]  # fmt: skip
    if case.kind == "policy":
        return ["policy", "validate", str(path)]
    if case.kind == "ae":
        return ["import", "ae", str(path), "--as", "alan"]
    if case.kind == "ods":
        return ["import", "ods", str(path), "--as", "alan"]
    return ["spc", str(path), "--value", "value", "--date", "month", "-o",
            str(path.with_name("out.csv"))]  # fmt: skip


def test_the_cli_subset_covers_every_importer() -> None:
    assert len(CLI_CASES) == 30
    assert {c.kind for c in CLI_CASES} == {*BASES, "returns", "policy", "ods"}


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_the_command_line_exits_2_with_one_line_and_changes_nothing(
    seeded: tuple[Platform, str, dict[str, Any]], case: Case, tmp_path: Path
) -> None:
    platform, url, before = seeded
    path = write(case, tmp_path)
    result = CliRunner().invoke(
        cli, cli_args(case, path), env={"SPECIALMEASURES_DATABASE_URL": url}
    )
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr  # one line (the progress bar may leave a blank one)
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    assert case.message in result.stderr
    assert dump(platform.engine) == before


@pytest.mark.parametrize("kind", [*sorted(BASES), "ods"])
def test_each_valid_base_file_is_accepted(platform: Platform, kind: str, tmp_path: Path) -> None:
    """The control: without its fault each file imports, so the refusals above are the faults'."""
    seed(platform)
    if kind == "ods":  # no header: its first rows, unchanged
        case = Case("ods-valid", "ods", "etr.csv", to_csv(read_rows(ODS_ETR_2025)[:3]).encode(), "")
        assert run_importer(platform, case, write(case, tmp_path)) is not None
        return
    base = BASES[kind]
    if kind == "locations":  # locations are kept for trusts already in the register
        first = Case("p", "cqc", "p.csv", encode(BASES["cqc"], BASES["cqc"].rows), "")
        run_importer(platform, first, write(first, tmp_path))
    case = Case(f"{kind}-valid", kind, f"{kind}{base.suffix}", encode(base, base.rows), "")
    result = run_importer(platform, case, write(case, tmp_path))
    assert result is not None


def test_a_valid_return_is_accepted(platform: Platform, tmp_path: Path) -> None:
    seed(platform)
    case = Case("r", "returns", "r.json", b'{"falls": -3, "vacancy_rate": "7.5"}', "",
                options={"period": "2017-01"})  # fmt: skip
    run_importer(platform, case, write(case, tmp_path))
    stored = returns_service.return_for(platform.repository, "ZB1", date(2017, 1, 1))
    assert dict(stored.values) == {"falls": "-3", "vacancy_rate": "7.5"}


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_every_line_ending_reads_the_same(platform: Platform, newline: str, tmp_path: Path) -> None:
    """CR-only (old Mac) files are handled explicitly: read like LF and CRLF, not refused."""
    base = BASES["cqc"]
    case = Case("cqc-eol", "cqc", "cqc.csv", encode(base, base.rows, newline=newline), "")
    report = run_importer(platform, case, write(case, tmp_path))
    assert (report.rows_read, report.rows_applied) == (21, 17)
