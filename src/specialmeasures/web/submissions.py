"""A write that arrives as a browser form or as JSON: one set of checks, two answers.

The form answers with the NHS.UK error summary (each message linked to its field); the JSON
twin (the same path with ``.json`` appended, POSTed with an ``X-CSRF-Token`` header) answers
``400`` with the one error shape plus the fields::

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": [{"field": "name", "message": "Enter the member's name"}]}}

Both build the acting :class:`~specialmeasures.interventions.Actor` the command line builds
(the account's username, the office named, the rationale, the account's role), so a write from
either edge leaves the same audit row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from specialmeasures.domain import DomainError, InputError, SpecialMeasuresError
from specialmeasures.interventions import Actor
from specialmeasures.web.gate import Gate

__all__ = [
    "MAX_JSON_BYTES",
    "FieldErrors",
    "FieldProblemsError",
    "actor_of",
    "body_schema",
    "day",
    "json_fields",
    "json_problems",
    "service_problem",
    "summary",
]

#: The largest JSON body a write accepts (the forms' own limit, ``gate.MAX_FORM_BYTES``).
MAX_JSON_BYTES = 64 * 1024

#: (field, message) pairs, in the order of the form.
FieldErrors = list[tuple[str, str]]


class FieldProblemsError(Exception):
    """Field errors found before or by a service; nothing was written."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def summary(errors: FieldErrors, prefix: str = "") -> list[dict[str, str]]:
    """The NHS.UK error summary's list: each message linked to its field's id (``prefix`` +
    the field's name, where a page holds several forms)."""
    return [{"text": message, "href": f"#{prefix}{field}"} for field, message in errors]


def json_problems(errors: FieldErrors, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "status": status,
                "code": "invalid",
                "message": errors[0][1] if errors else "invalid request",
                "fields": [{"field": f, "message": m} for f, m in errors],
            }
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def service_problem(error: SpecialMeasuresError, default_field: str) -> FieldErrors:
    """A service's refusal as a field error: the field it names, or ``default_field``."""
    field, text = default_field, str(error)
    if isinstance(error, DomainError):
        field = error.field
    elif isinstance(error, InputError) and error.column:
        field = str(error.column).lstrip("-")
        if error.file is None:  # a form's field, not a file's column: the field says where
            text = text.removeprefix(f"column {error.column!r}: ")
    return [(field, text)]


async def json_fields(
    request: Request, names: Sequence[str], lists: Sequence[str] = (), *,
    limit: int = MAX_JSON_BYTES,
) -> dict[str, Any]:  # fmt: skip
    """The JSON object of a write: each of ``names`` as stripped text ('' when absent) and each
    of ``lists`` as a list of stripped texts; anything else is refused with field errors.
    ``limit`` bounds the body (a file sent as text may be as large as the request limit)."""
    if hasattr(request.state, "sm_form"):  # already read as a form (its CSRF token in the body)
        raise FieldProblemsError([("body", "send a JSON object (Content-Type: application/json)"
                                           " with the X-CSRF-Token header")])  # fmt: skip
    raw = await request.body()
    if len(raw) > limit:
        raise FieldProblemsError([("body", f"the JSON body must be at most {limit:,} bytes")])
    try:
        sent = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FieldProblemsError(
            [("body", "send a JSON object (Content-Type: application/json)")]
        ) from None
    if not isinstance(sent, dict):
        raise FieldProblemsError([("body", "send a JSON object")])
    out: dict[str, Any] = {}
    errors: FieldErrors = []
    for name in names:
        value = sent.get(name, "")
        if isinstance(value, bool):  # a flag: "yes" or ""
            value = "yes" if value else ""
        if not isinstance(value, str | int | float):
            errors.append((name, f"{name} must be text"))
            value = ""
        out[name] = str(value).strip()
    for name in lists:
        value = sent.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append((name, f"{name} must be a list of texts"))
            value = []
        out[name] = [v.strip() for v in value if v.strip()]
    unknown = sorted(set(sent) - set(names) - set(lists))
    if unknown:
        errors.append((unknown[0], f"unknown field {unknown[0]!r}"))
    if errors:
        raise FieldProblemsError(errors)
    return out


def day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def actor_of(gate: Gate, request: Request, office: str, rationale: str) -> Actor:
    """Who acts, as at the command line: the account, the office named (default: the account's
    role), the rationale, now, and the account's permission role."""
    user = gate.user(request)
    return Actor(
        user.username,
        office.strip() or user.role.label,
        rationale,
        gate.now().replace(tzinfo=None),
        user.role.value,
    )


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` describing a JSON request body by ``model`` (the route reads the body
    itself, after the gate, so that a refused request is refused before its body is parsed)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
