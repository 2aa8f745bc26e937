"""The dates the web app answers for, checked at the edge before any route computes with them.

Python's dates run from 0001-01-01 to 9999-12-31, but the read models step months back and forth
from the date asked (a year of caseload before it, the first of the month, a policy's look-back),
so dates near either end overflow deep inside them. Every date the app is given, in a query
string or a form, must lie in ``EARLIEST``..``LATEST``; others are refused with 400 in the one
error shape, naming the parameter and the value. The window is generous (the regimes began in
2013) and every route is tested at both of its ends.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from specialmeasures.domain import InputError

__all__ = [
    "EARLIEST",
    "LATEST",
    "check_query_dates",
    "date_params",
    "date_problem",
    "in_window",
]

EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)
#: Parses a query value exactly as FastAPI will (ISO dates, and Unix times at midnight).
_AS_FASTAPI = TypeAdapter(date)


def in_window(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def date_problem(name: str, day: date) -> str | None:
    """Why ``day`` given as ``name`` cannot be answered for, or None."""
    if in_window(day):
        return None
    return (
        f"{name}: {day.isoformat()} is outside the dates this service answers for "
        f"({EARLIEST.isoformat()} to {LATEST.isoformat()})"
    )


def _takes_date(annotation: object) -> bool:
    if annotation is date:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_takes_date(a) for a in typing.get_args(annotation))
    return False


def _query_params(dependant: Dependant) -> list[Any]:
    found = list(dependant.query_params)
    for inner in dependant.dependencies:
        found.extend(_query_params(inner))
    return found


def date_params(route: APIRoute) -> list[str]:
    """The query parameters of ``route`` (its dependencies' included) that take a date."""
    found = getattr(route, "_sm_date_params", None)
    if found is None:
        found = sorted(
            {
                field.alias
                for field in _query_params(route.dependant)
                if _takes_date(field.field_info.annotation)
            }
        )
        route._sm_date_params = found  # type: ignore[attr-defined]
    assert isinstance(found, list)
    return found


async def check_query_dates(request: Request) -> None:
    """A global dependency: refuse a date query parameter outside the window (400)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    for name in date_params(route):
        raw = request.query_params.get(name)
        if raw is None:
            continue
        try:
            day = _AS_FASTAPI.validate_python(raw)
        except ValidationError:
            continue  # not a date at all: the route's own validation says so (422)
        problem = date_problem(name, day)
        if problem:
            raise InputError(problem)
