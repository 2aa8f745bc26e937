"""The A&E importer and the observations query on real SQLite and PostgreSQL databases, with the
real published files (data/real) and malformed copies of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ae_samples import (
    APRIL_2025,
    JULY_2024_REVISED,
    MONTHLY,
    TIDY,
    dump,
    expected_national,
    expected_tidy_financial_years,
    grid,
    row_of,
    with_cell,
    write,
)
from factories import provider
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError
from specialmeasures.ingest.ae_import import import_ae, refresh_observations
from specialmeasures.ingest.tidy_observations import IndicatorSpec, import_observations
from specialmeasures.register.indicators import indicator_chart
from specialmeasures.register.observation_series import observation_series
from specialmeasures.store.tables import ae_months, imports, observations, providers

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
#: A real trust of the April 2025 file, registered under its real name (real data only).
RXN = provider("RXN", name="Lancashire Teaching Hospitals NHS Foundation Trust", synthetic=False)


def run(platform: Platform, path: Path) -> object:
    return import_ae(platform.repository, path, actor="tester", at=AT)


def register(platform: Platform) -> None:
    with platform.repository.transaction() as conn:
        platform.repository.add_providers(conn, [RXN])


def national(platform: Platform, indicator: str = "ae_four_hour") -> dict[str, tuple[float, ...]]:
    return {
        f"{r.period:%Y-%m}": (r.numerator or 0.0, r.denominator or 0.0, r.value)
        for r in observation_series(platform.repository, indicator, national=True)
    }


def test_eleven_monthly_files_give_englands_four_hour_figure_to_1e9(platform: Platform) -> None:
    for path in MONTHLY:
        run(platform, path)
    got = national(platform)
    expected = expected_national(MONTHLY)
    assert sorted(got) == sorted(expected)
    assert len(got) == 11
    for month, (within, total) in expected.items():
        assert got[month][:2] == (within, total)
        assert abs(got[month][2] - within / total) < 1e-9
    # The publisher's own check figures (shared/real/README.md).
    worst = min(got, key=lambda m: got[m][2])
    best = max(got, key=lambda m: got[m][2])
    assert (worst, round(got[worst][2] * 100, 1)) == ("2024-12", 71.1)
    assert (best, round(got[best][2] * 100, 1)) == ("2024-08", 76.3)
    with platform.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(providers)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(observations)).scalar_one() == 0


def test_tidy_file_gives_the_financial_year_2016_17_figure(platform: Platform) -> None:
    run(platform, TIDY)
    rows = observation_series(
        platform.repository,
        "ae_four_hour",
        national=True,
        start=date(2016, 4, 1),
        end=date(2017, 3, 1),
    )
    assert len(rows) == 12
    share = sum(r.numerator or 0 for r in rows) / sum(r.denominator or 0 for r in rows)
    assert abs(share - expected_tidy_financial_years()[2016]) < 1e-9
    assert round(share * 100, 1) == 89.1


def test_trusts_in_the_register_get_indicators_other_organisations_only_count_nationally(
    platform: Platform,
) -> None:
    register(platform)
    report = run(platform, APRIL_2025)
    assert report.trusts_in_register == 1  # type: ignore[attr-defined]
    assert "NTV0B" in report.not_in_register  # type: ignore[attr-defined]  # a walk-in centre
    rows = grid(APRIL_2025)
    head, rxn = rows[0], rows[row_of(APRIL_2025, "RXN") - 1]
    att = sum(int(v) for h, v in zip(head, rxn, strict=True) if h.startswith("A&E attendances"))
    late = sum(
        int(v) for h, v in zip(head, rxn, strict=True) if h.startswith("Attendances over 4hrs")
    )
    series = observation_series(platform.repository, "ae_four_hour", provider="RXN")
    assert [(r.period, r.numerator, r.denominator) for r in series] == [
        (date(2025, 4, 1), float(att - late), float(att))
    ]
    type1 = observation_series(platform.repository, "ae_four_hour_type1", provider="RXN")
    assert type1[0].denominator == 11684 + 255
    assert type1[0].numerator == 11684 + 255 - 4328 - 51
    # A walk-in centre is a reporting organisation, never a provider, but its series is there.
    walk_in = observation_series(platform.repository, "ae_four_hour", provider="NTV0B")
    assert walk_in[0].denominator == 2333
    with platform.engine.connect() as conn:
        codes = set(conn.execute(select(providers.c.code)).scalars())
        assert codes == {"RXN"}
        held = set(conn.execute(select(observations.c.provider_code).distinct()).scalars())
        assert held == {"RXN"}


def test_a_later_import_of_a_month_replaces_it_and_the_log_keeps_both(
    platform: Platform, tmp_path: Path
) -> None:
    # An "original" July: the revised file with one organisation's type 1 attendances (and the
    # TOTAL) 100 higher, standing in for the first publication of the month.
    rows = grid(JULY_2024_REVISED)
    col = rows[0].index("A&E attendances Type 1")
    k = row_of(JULY_2024_REVISED, "RXN") - 1
    rows[k][col] = str(int(rows[k][col]) + 100)
    rows[-1][col] = str(int(rows[-1][col]) + 100)
    original = write(tmp_path / "Monthly-AE-July-2024.csv", rows)
    run(platform, original)
    first = national(platform)["2024-07"]
    report = run(platform, JULY_2024_REVISED)
    assert [r.file for r in report.replaced] == ["Monthly-AE-July-2024.csv"]  # type: ignore[attr-defined]
    revised = national(platform)["2024-07"]
    assert revised[1] == first[1] - 100
    assert revised[:2] == expected_national([JULY_2024_REVISED])["2024-07"]
    with platform.engine.connect() as conn:
        names = list(conn.execute(select(imports.c.file_name).order_by(imports.c.id)).scalars())
        in_use = conn.execute(select(ae_months.c.import_id)).scalar_one()
    assert names == ["Monthly-AE-July-2024.csv", "Monthly-AE-July-2024-revised.csv"]
    assert in_use == 2
    # The original again is a file already imported: nothing changes, the revision stays.
    before = dump(platform)
    assert run(platform, original).already_imported  # type: ignore[attr-defined]
    assert dump(platform) == before


def test_the_same_file_twice_changes_nothing(platform: Platform) -> None:
    register(platform)
    run(platform, APRIL_2025)
    before = dump(platform)
    again = run(platform, APRIL_2025)
    assert again.already_imported  # type: ignore[attr-defined]
    assert dump(platform) == before


def test_a_corrupted_cell_is_refused_naming_it_and_the_database_is_unchanged(
    platform: Platform, tmp_path: Path
) -> None:
    register(platform)
    run(platform, MONTHLY[0])
    before = dump(platform)
    row = row_of(APRIL_2025, "RHW")
    bad = with_cell(APRIL_2025, tmp_path / "Monthly-AE-April-2025.csv", row,
                    "Attendances over 4hrs Type 1", "42O6")  # fmt: skip
    with pytest.raises(InputError) as caught:
        run(platform, bad)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (
        "Monthly-AE-April-2025.csv", row, "Attendances over 4hrs Type 1", "42O6",
    )  # fmt: skip
    assert dump(platform) == before


def test_organisations_that_do_not_sum_to_the_total_row_are_refused_naming_the_column(
    platform: Platform, tmp_path: Path
) -> None:
    row = row_of(APRIL_2025, "RHW")
    bad = with_cell(APRIL_2025, tmp_path / "april.csv", row, "A&E attendances Type 2", "2500")
    before = dump(platform)
    with pytest.raises(InputError) as caught:
        run(platform, bad)
    assert caught.value.column == "A&E attendances Type 2"
    assert caught.value.row == len(grid(APRIL_2025))
    assert caught.value.value == "49112"
    assert "sum to 49,150" in str(caught.value)
    assert dump(platform) == before


def test_the_standard_in_force_gives_the_spc_chart_its_target(platform: Platform) -> None:
    register(platform)
    for path in MONTHLY:
        run(platform, path)
    chart = indicator_chart(platform.repository, "RXN", "ae_four_hour", date(2025, 5, 1))
    summary = chart["indicator"]
    assert summary["target"] == 0.78
    assert summary["standard"]["kind"] == "operational"
    assert summary["standard"]["valid_from"] == "2025-04-01"
    assert summary["assurance_icon"] in {"pass", "fail", "inconsistent"}
    assert len(chart["points"]) == 11
    type1 = indicator_chart(platform.repository, "RXN", "ae_four_hour_type1", date(2025, 5, 1))
    assert type1["indicator"]["target"] is None  # no national standard of its own


def test_tidy_observations_of_any_indicator(platform: Platform, tmp_path: Path) -> None:
    register(platform)
    path = write(tmp_path / "shmi.csv", [
        ["period", "org_code", "numerator", "denominator"],
        ["2024-01", "RXN", "980", "1000"],
        ["2024-02", "RXN", "1010", "1000"],
        ["2024-01", "ZZZ99", "5", "10"],
    ])  # fmt: skip
    spec = IndicatorSpec(
        "shmi_test", name="Deaths over expected", kind="rate", polarity="decrease",
        unit="per 1,000", category="quality", multiplier=1000.0,
    )  # fmt: skip
    report = import_observations(platform.repository, path, spec, actor="t", at=AT)
    assert (report.written, report.skipped, report.indicator_added) == (
        2, {"code not a provider in the register": 1}, True,
    )  # fmt: skip
    series = observation_series(platform.repository, "shmi_test", provider="RXN")
    assert [(r.period, r.value) for r in series] == [
        (date(2024, 1, 1), 980.0), (date(2024, 2, 1), 1010.0),
    ]  # fmt: skip
    before = dump(platform)
    again = import_observations(
        platform.repository, path, IndicatorSpec("shmi_test"), actor="t", at=AT
    )
    assert again.already_imported
    bad = write(tmp_path / "shmi2.csv", [
        ["period", "org_code", "numerator", "denominator"],
        ["2024-03", "RXN", "980", "1000"],
        ["2024-04", "RXN", "n/a", "1000"],
    ])  # fmt: skip
    with pytest.raises(InputError) as caught:
        import_observations(platform.repository, bad, IndicatorSpec("shmi_test"), actor="t", at=AT)
    assert (caught.value.file, caught.value.row, caught.value.column, caught.value.value) == (
        "shmi2.csv", 3, "numerator", "n/a",
    )  # fmt: skip
    assert dump(platform) == before


def test_trusts_registered_after_the_import_get_indicators_on_refresh(platform: Platform) -> None:
    run(platform, APRIL_2025)
    register(platform)
    assert observation_series(platform.repository, "ae_four_hour", provider="RXN") == []
    written = refresh_observations(platform.repository, actor="tester", at=AT)
    assert written == 2
    series = observation_series(platform.repository, "ae_four_hour", provider="RXN")
    assert [r.period for r in series] == [date(2025, 4, 1)]


def test_a_gap_of_years_starts_a_new_chart_segment(platform: Platform) -> None:
    register(platform)
    run(platform, TIDY)
    run(platform, APRIL_2025)
    run(platform, JULY_2024_REVISED)
    chart = indicator_chart(platform.repository, "RXN", "ae_four_hour", date(2025, 5, 1))
    points = {p["period"]: p for p in chart["points"]}
    before, after = points["2019-03-01"], points["2024-07-01"]
    # The 2024-2025 segment has its own mean: that of its own points only.
    recent = [p["value"] for k, p in points.items() if k >= "2024-07-01"]
    assert after["mean"] == pytest.approx(sum(recent) / len(recent), abs=1e-6)
    assert before["mean"] != after["mean"]
    assert chart["indicator"]["n"] == 36 + 2
