"""The real-England build (``ingest/real_england.py``) on SQLite and PostgreSQL: every step once,
labelled real, never twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from specialmeasures.bootstrap import Platform
from specialmeasures.ingest.real_england import REAL_LABEL, ae_files, build_real
from specialmeasures.store.tables import imports, providers, public_record_episodes

DATA = Path(__file__).resolve().parents[2] / "data" / "real"
AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def table_counts(platform: Platform) -> tuple[int, ...]:
    with platform.engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (providers, imports, public_record_episodes)
        )


def test_the_a_and_e_files_are_taken_tidy_file_first_then_in_month_order() -> None:
    names = [p.name for p in ae_files(DATA)]
    assert names[0] == "ae_attendances.csv"
    assert names[1:4] == [
        "Monthly-AE-June-2024.csv",
        "Monthly-AE-July-2024-revised.csv",
        "Monthly-AE-August-2024.csv",
    ]
    assert names[-1] == "Monthly-AE-April-2025.csv"
    assert len(names) == 12


@pytest.mark.slow
def test_the_build_runs_every_step_once_and_labels_the_database_real(platform: Platform) -> None:
    report = build_real(platform.repository, DATA, actor="t", at=AT)
    assert [len(r.created) for r in report.ods] == [238, 3]
    assert report.successors is not None
    assert len(report.successors.closed) == 31
    assert report.gone_undated == {"RY1": "LIVERPOOL COMMUNITY HEALTH NHS TRUST"}
    assert report.public_record is not None
    assert len(report.public_record.episodes) == 26
    assert len(report.ae) == 12
    assert not any(r.already_imported for r in report.ae)
    # Per-trust A&E indicators were derived for trusts of the register, closed ones included
    # (RW3 Central Manchester closed 2017-09-30; its 2016-2017 months are in the tidy file).
    rw3 = platform.repository.observations("RW3", "ae_four_hour")
    assert rw3
    assert max(o.period for o in rw3).isoformat() <= "2017-09-30"
    assert platform.repository.observations("RXW", "ae_four_hour")
    meta = platform.repository.meta()
    assert (meta["real"], meta["synthetic"], meta["label"]) == ("true", "false", REAL_LABEL)
    assert "Open Government Licence v3.0" in meta["attribution"]
    assert not any(p.synthetic for p in platform.repository.providers())
    built = table_counts(platform)
    again = build_real(platform.repository, DATA, actor="t", at=AT)
    assert [r.already_imported for r in again.ods] == [True, True]
    assert again.successors is not None
    assert again.successors.already_loaded
    assert again.public_record is not None
    assert again.public_record.already_loaded
    assert all(r.already_imported for r in again.ae)
    assert table_counts(platform) == built
