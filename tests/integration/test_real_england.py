"""The regime's statistics on real published A&E data (``validate-real``), on SQLite and
PostgreSQL: a stand-in register of the trusts in the A&E files and real SMQ entries of the
public record (tests/ae_samples.register_trusts)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from ae_samples import MONTHLY, TIDY, register_trusts
from specialmeasures.bootstrap import Platform
from specialmeasures.evaluation.real_england import RealEnglandReport, real_england_report
from specialmeasures.ingest.ae_import import import_ae
from specialmeasures.register.observation_series import observation_series

#: Entries of the public record inside the data (North Lincolnshire and Goole, Kettering,
#: Norfolk and Norwich, Shrewsbury and Telford), by the ODS codes of those trusts.
ENTRIES = {
    "RJL": date(2017, 4, 1),
    "RNQ": date(2017, 4, 12),
    "RM1": date(2018, 6, 1),
    "RXW": date(2018, 11, 8),
}


def test_real_england_report(platform: Platform) -> None:
    register_trusts(platform, ENTRIES)
    for path in [TIDY, *MONTHLY]:
        import_ae(platform.repository, path, actor="t", at=datetime(2026, 12, 4, tzinfo=UTC))
    report = real_england_report(platform.repository)
    check_spc(report)
    check_watch_list(report)
    check_early_warning(report)
    check_its(platform, report)


def check_spc(report: RealEnglandReport) -> None:
    assert [(s.first, s.last) for s in report.stretches] == [
        (date(2016, 4, 1), date(2019, 3, 1)),
        (date(2024, 6, 1), date(2025, 4, 1)),
    ]
    standards = {row["stretch"]: row["standard"] for row in report.spc_rows}
    assert standards == {"2016-04 to 2019-03": 0.90, "2024-06 to 2025-04": 0.78}
    for label, counts in report.spc_counts.items():
        n = counts["trusts"]["n"]
        assert sum(counts["assurance"].values()) == n
        assert sum(counts["variation"].values()) == n
        assert n == sum(1 for row in report.spc_rows if row["stretch"] == label)
        assert "None" not in counts["assurance"]  # every chart has a target
    # A trust that met the standard every month passes; one below it every month fails.
    for row in report.spc_rows:
        if row["upper_process_limit"] < row["standard"]:
            assert row["assurance"] == "fail"
        if row["lower_process_limit"] > row["standard"]:
            assert row["assurance"] == "pass"


def check_watch_list(report: RealEnglandReport) -> None:
    for bands in report.watchlist_bands.values():
        assert bands["trusts screened"] > 100
        assert sum(v for k, v in bands.items() if k.startswith("band")) == bands["trusts screened"]


def check_early_warning(report: RealEnglandReport) -> None:
    by_code = {e.provider_code: e for e in report.entries}
    assert sorted(by_code) == sorted(ENTRIES)
    april = by_code["RJL"]
    assert april.months_of_data_before == 12
    assert "short of its 24-month baseline" in april.verdict
    for e in report.entries:
        assert e.never_placed_flagged_in_lookback is not None
        assert 0.0 <= e.never_placed_flagged_in_lookback <= 1.0
        assert e.never_placed_trusts > 100
        assert e.flagged_in_lookback == e.verdict.startswith("flagged")
    summary = report.summary()
    assert summary["entries"] == len(ENTRIES)
    assert summary["flagged_in_12_months_before"] == sum(
        1 for e in report.entries if e.flagged_in_lookback
    )
    assert summary["its_assessed"] == sum(1 for e in report.entries if e.its)
    assert by_code["RXW"].its is None
    assert by_code["RXW"].its_verdict.startswith("too little data to tell")
    assert "5 after" in by_code["RXW"].its_verdict


def check_its(real: Platform, report: RealEnglandReport) -> None:
    """The ITS level change equals a plain least-squares fit of the same months."""
    its = next(e for e in report.entries if e.provider_code == "RNQ").its
    assert its is not None
    trust = {
        r.period: r.value
        for r in observation_series(real.repository, "ae_four_hour", provider="RNQ")
    }
    england = {
        r.period: r.value
        for r in observation_series(real.repository, "ae_four_hour", national=True)
    }
    entry = date(2017, 4, 1)
    rel, y = [], []
    for period in sorted(trust):
        k = (period.year - entry.year) * 12 + period.month - entry.month
        if -12 <= k <= 24:
            rel.append(k)
            y.append(trust[period] - england[period])
    r = np.array(rel, dtype=float)
    post = (r >= 0).astype(float)
    x = np.column_stack([np.ones_like(r), r, post, r * post])
    beta = np.linalg.lstsq(x, np.array(y), rcond=None)[0]
    got = its["relative_to_england"]
    assert abs(got["level_change"]["estimate"] - beta[2]) < 1e-9
    assert abs(got["slope_change"]["estimate"] - beta[3]) < 1e-9
    assert got["level_change"]["ci_low"] < beta[2] < got["level_change"]["ci_high"]
    assert (got["months_before"], got["months_after"]) == (12, 24)
