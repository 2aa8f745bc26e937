"""Calendar-month arithmetic shared by the domain: one definition of "a month later" and of a
duration in months.

Durations are in 30.4375-day months (the mean Gregorian month), to 2 decimals, as the policy
facts use them.

>>> add_months(date(2016, 1, 31), 1)
datetime.date(2016, 2, 29)
>>> months_between(date(2016, 1, 1), date(2016, 3, 2))
2.0
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["DAYS_PER_MONTH", "add_months", "months_between"]

#: The mean length of a Gregorian month in days (365.25 / 12).
DAYS_PER_MONTH = 30.4375


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_between(start: date, stop: date) -> float:
    """Months from ``start`` to ``stop`` (0 when ``stop`` is earlier), to 2 decimals."""
    return round(max(0, (stop - start).days) / DAYS_PER_MONTH, 2)
