"""The web app's default date: today, or the synthetic demo's last month when that is earlier."""

from __future__ import annotations

from datetime import date

from specialmeasures.cli.serve import default_today


def test_synthetic_demo_answers_as_of_its_last_month() -> None:
    meta = {"synthetic": "true", "period_end": "2025-12-01"}
    assert default_today(meta, lambda: date(2026, 11, 28))() == date(2025, 12, 1)
    assert default_today(meta, lambda: date(2024, 5, 2))() == date(2024, 5, 2)


def test_real_data_answers_as_of_today() -> None:
    meta = {"period_end": "2025-12-01"}
    assert default_today(meta, lambda: date(2026, 11, 28))() == date(2026, 11, 28)
    assert default_today({}, lambda: date(2026, 11, 28))() == date(2026, 11, 28)
