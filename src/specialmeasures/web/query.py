"""Optional query parameters where an empty value means the parameter was not given.

A page's GET filter form sends every box, the empty ones too (``/audit?from=&to=``,
``/evaluation/trajectories?group=``), so an empty box must mean "no filter", not a value to
check. :data:`BLANK_IS_ABSENT` does that in one place: added to a parameter's ``Annotated``
type, it turns an empty (or blank) value into ``None`` before the type is checked, and drops
the empty items of a list parameter (a list of only empty items is ``None``)::

    Group = Annotated[str | None, Query(max_length=60), BLANK_IS_ABSENT]

and :func:`blank_is` gives a parameter with a default its default for an empty box. Every
query parameter of a route with a GET filter form is declared this way;
``tests/e2e/test_web_empty_filters.py`` sends every page's filter forms with every field empty
and expects 200.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator

__all__ = ["BLANK_IS_ABSENT", "AsOf", "absent_if_blank", "blank_is"]


def absent_if_blank(value: Any) -> Any:
    """``None`` for an empty or blank text (or a list of them); a list without its empty
    items; anything else as it is."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list):
        kept = [v for v in value if not (isinstance(v, str) and not v.strip())]
        return kept or None
    return value


def blank_is(default: Any) -> BeforeValidator:
    """``Annotated`` metadata: an empty query value is ``default`` (the parameter's default, so
    that an empty box and no box answer alike)."""

    def given(value: Any) -> Any:
        kept = absent_if_blank(value)
        return default if kept is None else kept

    return BeforeValidator(given)


#: ``Annotated`` metadata: an empty query value is the parameter not given.
BLANK_IS_ABSENT = blank_is(None)

#: The date a page answers as of; an empty box is today.
AsOf = Annotated[
    date | None,
    Query(description="Answer as of this date (YYYY-MM-DD); default today."),
    BLANK_IS_ABSENT,
]
