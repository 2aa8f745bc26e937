"""A provider's ODS open and close dates: the close date is the last day, inclusive."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import DomainError, Provider, ProviderType, Setting


def trust(opened: date | None, closed: date | None) -> Provider:
    return Provider(
        "RXX", "A TRUST", ProviderType.UNKNOWN, False, Setting.UNKNOWN, "London", "QMJ",
        open_date=opened, close_date=closed,
    )  # fmt: skip


def test_open_from_the_open_date_to_the_close_date_inclusive() -> None:
    p = trust(date(2012, 4, 1), date(2015, 9, 30))
    assert [p.open_on(d) for d in (date(2012, 3, 31), date(2012, 4, 1))] == [False, True]
    assert [p.open_on(d) for d in (date(2015, 9, 30), date(2015, 10, 1))] == [True, False]


def test_unknown_dates_exclude_no_day() -> None:
    assert trust(None, None).open_on(date(1900, 1, 1))
    assert trust(None, date(2015, 9, 30)).open_on(date(1990, 1, 1))
    assert trust(date(2017, 10, 1), None).open_on(date(2030, 1, 1))


def test_a_close_date_before_the_open_date_is_refused() -> None:
    with pytest.raises(DomainError, match="before open_date"):
        trust(date(2015, 1, 1), date(2014, 12, 31))


def test_the_unknown_type_says_so() -> None:
    assert trust(None, None).type_label == "Type not recorded"
