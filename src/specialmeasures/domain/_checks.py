"""Small validators shared by the domain dataclasses; each raises DomainError naming the field."""

from __future__ import annotations

import math
import re
from datetime import date
from enum import Enum
from typing import TypeVar

from specialmeasures.domain.errors import DomainError

E = TypeVar("E", bound=Enum)

#: C0 and C1 control characters other than tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def require_text(field: str, value: object, *, max_length: int = 300) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DomainError(field, value, "must be non-empty text")
    if len(value) > max_length:
        raise DomainError(field, value, f"must be at most {max_length} characters")
    control = _CONTROL.search(value)
    if control is not None:
        # PostgreSQL refuses NUL in text where SQLite stores it: refuse on every database alike.
        raise DomainError(
            field, value, f"must not hold the control character U+{ord(control.group()):04X}"
        )
    return value


def require_enum(field: str, value: object, enum: type[E]) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise DomainError(field, value, f"must be one of {allowed}") from None


def require_non_negative(field: str, value: float | None, *, optional: bool = True) -> None:
    if value is None:
        if not optional:
            raise DomainError(field, value, "is required")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DomainError(field, value, "must be a number")
    if math.isnan(value) or value < 0:
        raise DomainError(field, value, "must be a non-negative number")


def require_finite(field: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainError(field, value, "must be a finite number")


def require_date(field: str, value: object) -> date:
    if not isinstance(value, date):
        raise DomainError(field, value, "must be a date")
    return value


def require_order(first_field: str, first: date, second_field: str, second: date | None) -> None:
    if second is not None and second < first:
        raise DomainError(second_field, second, f"must not be before {first_field} ({first})")
