"""Evidence import on SQLite and PostgreSQL: records, codings, matrix, idempotent re-import,
codebook extension, and a failed import that leaves the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import provider
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError
from specialmeasures.evaluation.evidence import framework_matrix
from specialmeasures.evaluation.evidence_store import import_evidence, load_codes, load_records
from specialmeasures.store.tables import (
    audit_log,
    evidence_codes,
    evidence_codings,
    evidence_sources,
)

HEADER = (
    "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
    "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
)
LONG = "A long transcript summary. " * 2000  # > 50,000 characters: Text columns


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _snapshot(platform: Platform) -> tuple[int, ...]:
    with platform.engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (evidence_sources, evidence_codings, evidence_codes, audit_log)
        )


@pytest.fixture
def loaded(platform: Platform) -> Platform:
    with platform.repository.transaction() as conn:
        platform.repository.add_providers(conn, [provider("ZA1"), provider("ZA2")])
    return platform


def test_import_matrix_and_reimport(loaded: Platform, tmp_path: Path) -> None:
    body = HEADER + (
        f'I-1,ZA1,2019-03-01,interview,senior,CEO,"{LONG}",ID,,,,,"""Quote one""||Quote two",'
        "governance;stigma_morale\n"
        "D-1,za1,2019-03-02,document,external,Board papers,,,,,,,,governance\n"
        "O-1,ZA2,2019-04-01,observation,frontline,Ward huddle,,,,,,,,staff_engagement\n"
    )
    counts = import_evidence(loaded.repository, _write(tmp_path, "ev.csv", body))
    assert counts == {"records": 3, "replaced": 0, "codings": 4}
    records = {r.ref: r for r in load_records(loaded.repository)}
    assert records["I-1"].summary["context"] == LONG.strip()
    assert records["I-1"].quotes == ('"Quote one"', "Quote two")
    assert records["D-1"].site == "ZA1"
    assert all(r.confidential for r in records.values())
    cells = framework_matrix(records.values(), load_codes(loaded.repository))
    governance = cells["ZA1"]["governance"]
    assert governance.sources == 2
    assert governance.triangulated
    assert governance.source_types == {"interview", "document"}
    assert not cells["ZA2"]["staff_engagement"].triangulated
    # Re-importing the same refs replaces them: nothing is duplicated.
    again = import_evidence(loaded.repository, _write(tmp_path, "ev.csv", body))
    assert again["replaced"] == 3
    assert len(load_records(loaded.repository)) == 3


def test_codebook_extends_the_framework(loaded: Platform, tmp_path: Path) -> None:
    codebook = "code,family,label,description\nsystem_pressure,other,System pressure,Winter\n"
    assert import_evidence(loaded.repository, _write(tmp_path, "codes.csv", codebook)) == {
        "codes": 1
    }
    assert "system_pressure" in {c.code for c in load_codes(loaded.repository)}
    body = HEADER + "I-9,ZA2,2019-05-01,interview,divisional,DoN,,,,,,,,system_pressure\n"
    assert import_evidence(loaded.repository, _write(tmp_path, "ev.csv", body))["codings"] == 1


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("I-2,ZZZ,2019-03-01,interview,senior,T,,,,,,,,governance", "site", "ZZZ"),
        ("I-2,ZA1,2019-13-01,interview,senior,T,,,,,,,,governance", "date", "2019-13-01"),
        ("I-2,ZA1,2019-03-01,survey,senior,T,,,,,,,,governance", "source_type", "survey"),
        ("I-2,ZA1,2019-03-01,interview,board,T,,,,,,,,governance", "tier", "board"),
        ("I-2,ZA1,2019-03-01,interview,senior,T,,,,,,,,nonsense", "codes", "nonsense"),
    ],
)
def test_bad_row_names_file_row_column_value_and_changes_nothing(
    loaded: Platform, tmp_path: Path, row: str, column: str, value: str
) -> None:
    good = HEADER + "I-1,ZA1,2019-03-01,interview,senior,CEO,,,,,,,,governance\n"
    import_evidence(loaded.repository, _write(tmp_path, "good.csv", good))
    before = _snapshot(loaded)
    bad = _write(
        tmp_path, "bad.csv", HEADER + "I-1,ZA1,2019-03-01,document,senior,X,,,,,,,,\n" + row + "\n"
    )
    with pytest.raises(InputError) as caught:
        import_evidence(loaded.repository, bad)
    error = caught.value
    assert error.file == str(bad)
    assert error.row == 3
    assert error.column == column
    assert error.value == value
    assert _snapshot(loaded) == before
    assert load_records(loaded.repository)[0].source_type == "interview"
