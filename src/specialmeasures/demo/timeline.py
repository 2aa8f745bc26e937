"""Dates of the synthetic country's calendar: the regime milestones and month arithmetic.

Synthetic demonstration data: the milestones are the published dates of the real regimes (seed
paper and REGIME.md section 2); everything that happens on them in the demo is invented.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "COVID_PAUSE",
    "EVER_BY",
    "KEOGH_DAY",
    "REGIME_START",
    "RSP_START",
    "WINDOW_END",
    "add_days",
    "add_months",
    "month_index",
    "month_start",
    "month_starts",
    "random_date",
]

#: SMQ began with the Keogh trusts on 16 July 2013 (REGIME.md 2.4).
REGIME_START = date(2013, 7, 1)
KEOGH_DAY = date(2013, 7, 16)
#: The seed paper counts entries "between July 2013 and 30 September 2019" ...
WINDOW_END = date(2019, 9, 30)
#: ... and trusts "in SMQ or CP up until October 2019": we read that as any start before November.
EVER_BY = date(2019, 10, 31)
#: The Recovery Support Programme replaced SMQ on 13 July 2021 (REGIME.md 2.6).
RSP_START = date(2021, 7, 13)
#: CQC paused routine inspection during the first waves of COVID-19.
COVID_PAUSE = (date(2020, 3, 16), date(2021, 3, 1))

_DAYS_PER_MONTH = 30.4375


def add_days(day: date, days: float) -> date:
    return day + timedelta(days=round(days))


def add_months(day: date, months: float) -> date:
    """``day`` moved by ``months`` average-length months (may be fractional or negative)."""
    return day + timedelta(days=round(months * _DAYS_PER_MONTH))


def month_index(day: date, origin: date) -> int:
    """Whole calendar months from ``origin``'s month to ``day``'s month."""
    return (day.year - origin.year) * 12 + day.month - origin.month


def month_start(origin: date, index: int) -> date:
    """First day of the month ``index`` months after ``origin``'s month."""
    months = origin.year * 12 + origin.month - 1 + index
    return date(months // 12, months % 12 + 1, 1)


def month_starts(start: date, end: date) -> NDArray[np.datetime64]:
    """First days of every month from ``start``'s month to ``end``'s month, inclusive."""
    count = month_index(end, start) + 1
    first = np.datetime64(date(start.year, start.month, 1), "M")
    return (first + np.arange(count)).astype("datetime64[D]")


def random_date(rng: np.random.Generator, low: date, high: date) -> date:
    """A uniformly drawn day in ``[low, high]``."""
    span = max(0, (high - low).days)
    return low + timedelta(days=int(rng.integers(0, span + 1)))
