"""The real register on SQLite and PostgreSQL: ODS snapshots, successors, the public record."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import SYNTHETIC_META, load_small_register
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError, ProviderType, SpecialMeasuresError
from specialmeasures.ingest.ods import (
    SKIP_CLOSE_KEPT,
    SKIP_NOT_ENGLAND,
    SKIP_UNCHANGED,
    import_ods,
    import_ods_bytes,
)
from specialmeasures.ingest.public_record import load_public_record, packaged_trust_codes
from specialmeasures.ingest.real_record import packaged_record
from specialmeasures.ingest.successors import (
    load_successors,
    packaged_successors,
    successor_on,
    successors_of,
)
from specialmeasures.register import provider_list
from specialmeasures.store.tables import (
    audit_log,
    imports,
    providers,
    public_record_episodes,
    real_smq_events,
    regime_episodes,
)

REAL = Path(__file__).resolve().parents[2] / "data" / "real" / "ods"
OLDER, NEWER = REAL / "etr_2021.csv", REAL / "etr_2025.csv"
AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def snapshot_counts(platform: Platform) -> tuple[int, ...]:
    with platform.engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (providers, imports, regime_episodes, public_record_episodes)
        )


def both(platform: Platform) -> None:
    import_ods(platform.repository, OLDER, actor="tester", at=AT)
    import_ods(platform.repository, NEWER, actor="tester", at=AT)


def codes_open_on(platform: Platform, day: date) -> set[str]:
    return {r["code"] for r in provider_list(platform.repository, day)}


def test_two_snapshots_build_a_register_that_keeps_closed_trusts(platform: Platform) -> None:
    first = import_ods(platform.repository, OLDER, actor="tester", at=AT)
    assert (first.rows_read, len(first.created), first.updated) == (241, 238, {})
    assert first.skipped == {SKIP_NOT_ENGLAND: 3}
    second = import_ods(platform.repository, NEWER, actor="tester", at=AT)
    assert second.created == ("G6V2S", "R0D", "R1L")
    assert "RDE" in second.updated
    assert any("EAST SUFFOLK" in c for c in second.updated["RDE"])
    assert second.skipped[SKIP_NOT_ENGLAND] == 3
    repo = platform.repository
    assert len(repo.providers()) == 241
    r1g = repo.provider("R1G")
    assert (r1g.close_date, r1g.synthetic, r1g.type) == (
        date(2015, 9, 30),
        False,
        ProviderType.UNKNOWN,
    )
    rde = repo.provider("RDE")
    assert (rde.name, rde.region, rde.system) == (
        "EAST SUFFOLK AND NORTH ESSEX NHS FOUNDATION TRUST",
        "East of England",
        "Suffolk and North East Essex",
    )
    # Close dates are inclusive: R1G is in the register on its last day, not the day after.
    assert "R1G" in codes_open_on(platform, date(2015, 9, 30))
    assert "R1G" not in codes_open_on(platform, date(2015, 10, 1))
    # A trust opened later is not in the register before it opened.
    assert "R0A" not in codes_open_on(platform, date(2017, 9, 30))
    assert "R0A" in codes_open_on(platform, date(2017, 10, 1))
    # The import log keeps what each import created, updated and skipped.
    with platform.engine.connect() as conn:
        rows = conn.execute(select(imports).order_by(imports.c.id)).mappings().all()
    assert [(r["rows_read"], r["rows_created"], r["rows_updated"]) for r in rows] == [
        (241, 238, 0),
        (210, 3, len(second.updated)),
    ]
    assert json.loads(rows[1]["skipped"])[SKIP_NOT_ENGLAND] == 3


def test_the_register_query_as_of_a_date_agrees_with_the_domain_rule(platform: Platform) -> None:
    both(platform)
    load_successors(platform.repository, packaged_successors(), actor="t", at=AT)
    everyone = platform.repository.providers()
    for day in (date(2000, 1, 1), date(2015, 9, 30), date(2015, 10, 1), date(2017, 10, 1),
                date(2019, 9, 30), date(2019, 10, 1), date(2024, 12, 31), date(2025, 1, 1)):  # fmt: skip
        expected = {p.code for p in everyone if p.open_on(day)}
        assert {p.code for p in platform.repository.providers_open_on(day)} == expected, day
    assert (
        len(platform.repository.providers_open_on(date(2025, 6, 1))) == 203
    )  # 202 in etr_2025 and RY1


def test_importing_again_changes_nothing(platform: Platform) -> None:
    both(platform)
    before = snapshot_counts(platform)
    again = import_ods(platform.repository, NEWER, actor="tester", at=AT)
    assert again.already_imported
    assert snapshot_counts(platform) == before
    # The same rows under another file (another hash): read, all unchanged, nothing written
    # but the log entry.
    copy = import_ods_bytes(
        platform.repository, "copy.csv", NEWER.read_bytes() + b"\r\n", actor="t", at=AT
    )
    assert (copy.created, copy.updated) == ((), {})
    assert copy.skipped == {SKIP_UNCHANGED: 207, SKIP_NOT_ENGLAND: 3, "blank line": 1}
    assert snapshot_counts(platform)[0] == before[0]


def test_a_snapshot_listing_a_closed_trust_as_open_never_reopens_it(platform: Platform) -> None:
    import_ods(platform.repository, NEWER, actor="tester", at=AT)
    solent = next(line for line in NEWER.read_bytes().split(b"\r\n") if line.startswith(b'"R1C"'))
    reopened = solent.replace(b'"20240930"', b'""')
    report = import_ods_bytes(platform.repository, "r1c.csv", reopened, actor="t", at=AT)
    assert (report.updated, report.skipped) == ({}, {SKIP_CLOSE_KEPT: 1})
    assert platform.repository.provider("R1C").close_date == date(2024, 9, 30)


def _corrupt(row: int, old: bytes, new: bytes) -> bytes:
    lines = NEWER.read_bytes().split(b"\r\n")
    assert old in lines[row - 1]
    lines[row - 1] = lines[row - 1].replace(old, new, 1)
    return b"\r\n".join(lines)


SHORT_ROW = b"\r\n".join(
    line if i != 40 else b",".join(line.split(b",")[:12])
    for i, line in enumerate(NEWER.read_bytes().split(b"\r\n"))
)


@pytest.mark.parametrize(
    ("data", "row", "column", "value"),
    [
        (_corrupt(151, b'"2', b'"X'), 151, "column 11 (open date)", "X"),
        (SHORT_ROW, 41, None, None),
        (_corrupt(20, b'"R', b'"r'), 20, "column 1 (organisation code)", None),
        (_corrupt(30, b'"Y', b'"YY'), 30, "column 3 (NHS England region)", None),
        (_corrupt(60, b" NHS ", b" N\xc9S "), 60, "column 2 (name)", "\xc9"),
    ],
    ids=["bad-date", "short-row", "bad-code", "bad-region", "not-utf8"],
)
def test_a_refused_file_names_the_cell_and_changes_nothing(
    platform: Platform, data: bytes, row: int, column: str | None, value: str | None
) -> None:
    import_ods(platform.repository, OLDER, actor="tester", at=AT)
    before = snapshot_counts(platform)
    with pytest.raises(InputError) as caught:
        import_ods_bytes(platform.repository, "bad.csv", data, actor="t", at=AT)
    assert (caught.value.file, caught.value.row) == ("bad.csv", row)
    if column is not None:
        assert caught.value.column == column
    if value is not None:
        assert str(caught.value.value).startswith(value)
    assert snapshot_counts(platform) == before
    assert platform.repository.provider("RDE").name.startswith("COLCHESTER")


def test_a_synthetic_database_is_refused(platform: Platform) -> None:
    load_small_register(platform.repository, meta=SYNTHETIC_META)
    with pytest.raises(SpecialMeasuresError, match="synthetic demo"):
        import_ods(platform.repository, OLDER, actor="tester", at=AT)


def test_successors_date_closures_and_answer_who_took_over(platform: Platform) -> None:
    both(platform)
    report = load_successors(platform.repository, packaged_successors(), actor="t", at=AT)
    assert report.closed["RW3"] == date(2017, 9, 30)
    assert report.closed["RW6"] == date(2021, 9, 30)  # split: the later transfer ends it
    assert "RD7" in report.not_in_register
    assert report.disagreements == {}
    assert platform.repository.provider("RNL").close_date == date(2019, 9, 30)
    assert "RNL" in codes_open_on(platform, date(2019, 9, 30))
    assert "RNL" not in codes_open_on(platform, date(2019, 10, 1))
    assert [s.successor_code for s in successors_of(platform.repository, "RJD")] == ["RJE", "RL4"]
    assert successor_on(platform.repository, "RNL", date(2019, 9, 30)) == ("RNL",)
    assert successor_on(platform.repository, "RNL", date(2020, 1, 1)) == ("RNN",)
    assert successor_on(platform.repository, "RD7", date(2020, 1, 1)) == ("RDU",)
    before = snapshot_counts(platform)
    again = load_successors(platform.repository, packaged_successors(), actor="t", at=AT)
    assert again.already_loaded
    assert snapshot_counts(platform) == before
    with platform.engine.connect() as conn:
        actions = list(conn.execute(select(audit_log.c.action)).scalars())
    assert actions.count("import.ods_successors") == 1
    assert actions.count("import.ods_trusts") == 2


def test_the_public_record_becomes_episodes_of_real_trusts(platform: Platform) -> None:
    both(platform)
    load_successors(platform.repository, packaged_successors(), actor="t", at=AT)
    report = load_public_record(
        platform.repository, packaged_record(), packaged_trust_codes(), actor="t", at=AT
    )
    assert len(report.matching.mapped) == 22
    assert list(report.matching.unmatched) == [
        "Heatherwood and Wexham Park Hospitals NHS Foundation Trust"
    ]
    assert len(report.episodes) == 26
    repo = platform.repository
    rxw = repo.episodes("RXW")
    assert [(e.regime.value, e.start, e.end) for e in rxw] == [
        ("smq", date(2018, 11, 8), date(2021, 7, 13))
    ]
    in_smq = {r["code"] for r in provider_list(repo, date(2018, 12, 1), regime="smq")}
    assert {"RXW", "RM1", "R1F", "RNQ", "RJL", "RWD"} <= in_smq
    with platform.engine.connect() as conn:
        marked = (
            conn.execute(
                select(public_record_episodes).where(
                    public_record_episodes.c.trust_name == "Wye Valley NHS Trust"
                )
            )
            .mappings()
            .one()
        )
        events = conn.execute(select(func.count()).select_from(real_smq_events)).scalar_one()
    assert (marked["start_published"], marked["start_precision"]) == ("2014", "year")
    assert marked["start_latest"] == date(2014, 12, 31)
    assert events == 50
    before = snapshot_counts(platform)
    again = load_public_record(repo, packaged_record(), packaged_trust_codes(), actor="t", at=AT)
    assert again.already_loaded
    assert snapshot_counts(platform) == before
