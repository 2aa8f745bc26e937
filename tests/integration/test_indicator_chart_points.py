"""The points of one indicator's XmR chart take each per-point column of the result once; they
are exactly what reading the result's per-point properties row by row gives (real A&E files
of one real trust, on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ae_samples import MONTHLY
from factories import provider
from specialmeasures.bootstrap import Platform
from specialmeasures.ingest.ae_import import import_ae
from specialmeasures.register import indicators
from specialmeasures.register.indicators import indicator_chart
from specialmeasures.register.standards import standards_of

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
RXN = provider("RXN", name="Lancashire Teaching Hospitals NHS Foundation Trust", synthetic=False)


def test_points_are_the_result_read_row_by_row(platform: Platform) -> None:
    with platform.repository.transaction() as conn:
        platform.repository.add_providers(conn, [RXN])
    for path in MONTHLY:
        import_ae(platform.repository, path, actor="tester", at=AT)
    as_of = date(2025, 5, 1)
    for indicator in ("ae_four_hour", "ae_four_hour_type1"):
        chart = indicator_chart(platform.repository, "RXN", indicator, as_of)
        definitions, series = indicators._load(platform.repository, "RXN", as_of, indicator)
        charts = indicators._charts(
            definitions, series, standards_of(platform.repository, series), None
        )
        result = charts[indicator][0]
        expected = []
        for k in (result.facet == indicator).nonzero()[0]:
            kind = str(result.point_type[k])
            expected.append(
                {
                    "period": str(result.date[k]),
                    "value": indicators._num(result.value[k]),
                    "mean": indicators._num(result.mean[k]),
                    "lower_process_limit": indicators._num(result.lpl[k]),
                    "upper_process_limit": indicators._num(result.upl[k]),
                    "point_type": kind,
                    "point_label": indicators.POINT_LABELS.get(kind, kind),
                    "special_cause": bool(result.special_cause_flag[k]),
                }
            )
        assert len(expected) == 11
        assert chart["points"] == expected
