"""Every write that arrives as a browser form or as JSON: one way to read it, check its fields
and answer a problem.

A form (URL-encoded, or ``multipart/form-data`` when it carries a file) answers a problem with
the NHS.UK error summary, each message linked to its field (:func:`summary`, drawn by the
``error_summary`` macro of ``templates/_form_fields.html``, whose ``field`` and ``choice`` draw
the fields). Its JSON twin (the same path with ``.json`` appended, POSTed as
``application/json`` with an ``X-CSRF-Token`` header) answers ``400`` with the one error shape
plus the fields (:func:`json_problems`)::

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": [{"field": "name", "message": "Enter the member's name"}]}}

A JSON body that is not an object, or that names a field the write does not take, is refused
the same way by every twin (:func:`read_json`). The checks of a field (:class:`Reader`) and the
mapping of a service's refusal to the field it is about (:func:`service_problem`) are shared, so
both edges say the same thing; both build the acting :class:`~specialmeasures.interventions.Actor`
the command line builds (:func:`actor_of`), so a write from either edge leaves the same audit row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from email import message_from_bytes
from email.message import Message
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from specialmeasures.domain import DomainError, InputError, SpecialMeasuresError
from specialmeasures.domain.funding import PolicyRefusalError
from specialmeasures.interventions import Actor
from specialmeasures.web.dates import EARLIEST, LATEST, in_window

if TYPE_CHECKING:
    from specialmeasures.web.gate import Gate

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_PARTS",
    "MAX_RATIONALE",
    "MAX_TEXT",
    "NO_STORE",
    "FieldErrors",
    "FieldProblemsError",
    "Reader",
    "Upload",
    "actor_of",
    "body_schema",
    "form_fields",
    "json_fields",
    "json_problems",
    "json_write",
    "object_schema",
    "parse_multipart",
    "read_json",
    "service_problem",
    "summary",
]

#: The largest JSON body a write accepts (the forms' own limit, ``gate.MAX_FORM_BYTES``).
MAX_JSON_BYTES = 64 * 1024
#: Parts of a multipart body beyond this many are ignored (a form has a handful and one file).
MAX_PARTS = 50
MAX_TEXT = 2000
MAX_RATIONALE = 20_000
NO_STORE = {"Cache-Control": "no-store"}

#: (field, message) pairs, in the order of the form.
FieldErrors = list[tuple[str, str]]
#: An uploaded file: its name as the browser sent it (the last path segment) and its bytes.
Upload = tuple[str, bytes]


class FieldProblemsError(Exception):
    """Field errors found before or by a service; nothing was written."""

    def __init__(self, errors: FieldErrors, refusal: PolicyRefusalError | None = None) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors
        self.refusal = refusal


# -- the two answers ---------------------------------------------------------------------------
def summary(errors: FieldErrors, prefix: str = "") -> list[dict[str, str]]:
    """The NHS.UK error summary's list: each message linked to its field's id (``prefix`` +
    the field's name, where a page holds several forms)."""
    return [{"text": message, "href": f"#{prefix}{field}"} for field, message in errors]


def json_problems(
    errors: FieldErrors, status: int = 400, *, refusal: PolicyRefusalError | None = None
) -> JSONResponse:
    """The JSON twin's 400: every field's problem; a refusal by a policy rule is ``refused``
    and names the rule."""
    error: dict[str, Any] = {
        "status": status,
        "code": "refused" if refusal else "invalid",
        "message": errors[0][1] if errors else "invalid request",
        "fields": [{"field": f, "message": m} for f, m in errors],
    }
    if refusal is not None:
        error["rule"] = {"id": refusal.rule_id, "text": refusal.rule_text}
    return JSONResponse({"error": error}, status_code=status, headers=NO_STORE)


def service_problem(
    error: SpecialMeasuresError, default: str, fields: Collection[str] | None = None,
    renames: Mapping[str, str] | None = None,
) -> FieldErrors:  # fmt: skip
    """A service's refusal as a field error, worded for a person at a form: the field it names
    (a model's field, or a command-line option such as ``--on``, ``renames`` mapping the
    service's name to the form's) when the form has it, else ``default``."""
    named, text = "", str(error)
    if isinstance(error, DomainError):
        named = error.field
    elif isinstance(error, InputError) and error.column:
        named = str(error.column)
        if error.file is None:  # a form's field, not a file's column: the field says where
            text = text.removeprefix(f"column {error.column!r}: ")
    name = named.removeprefix("--").replace("-", "_").rsplit(".", 1)[-1]
    name = (renames or {}).get(name, name)
    field = name if name and (fields is None or name in fields) else default
    if isinstance(error, PolicyRefusalError):
        # The reason first, then the rule: what to fix, then why, as the policy words it.
        said = f": {error.rule_text}" if error.rule_text else ""
        text = f"{error.reason}. Refused by rule {error.rule_id}{said}"
    return [(field, text[:1].upper() + text[1:])]


# -- reading what was sent ---------------------------------------------------------------------
def form_fields(sent: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    """Each of ``names`` from a form (``gate.form``), stripped ('' when absent)."""
    return {name: sent.get(name, "").strip() for name in names}


async def read_json(
    request: Request, allowed: Collection[str], *, limit: int = MAX_JSON_BYTES
) -> dict[str, Any]:
    """The JSON object of a write, its values as sent; a body that is not a JSON object (sent
    as ``application/json``), is larger than ``limit`` or names a field not ``allowed`` is
    refused with field errors."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip()
    if hasattr(request.state, "sm_form") or ctype != "application/json":
        # Read as a form (its CSRF token in the body), or not sent as JSON at all.
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
    unknown = sorted(set(sent) - set(allowed))
    if unknown:
        raise FieldProblemsError([(unknown[0], f"unknown field {unknown[0]!r}")])
    return sent


async def json_fields(
    request: Request, names: Sequence[str], lists: Sequence[str] = (), *,
    limit: int = MAX_JSON_BYTES, flag: tuple[str, str] = ("yes", ""),
) -> dict[str, Any]:  # fmt: skip
    """The JSON object of a write as a form would send it: each of ``names`` as stripped text
    ('' when absent; a boolean as ``flag``'s true or false text) and each of ``lists`` as a list
    of stripped texts. ``limit`` bounds the body (a file sent as text may be as large as the
    request limit)."""
    sent = await read_json(request, [*names, *lists], limit=limit)
    out: dict[str, Any] = {}
    errors: FieldErrors = []
    for name in names:
        value = sent.get(name, "")
        if isinstance(value, bool):
            value = flag[0] if value else flag[1]
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
    if errors:
        raise FieldProblemsError(errors)
    return out


async def json_write(
    request: Request, names: Sequence[str], write: Callable[[dict[str, Any]], Any],
    answer: Callable[[dict[str, Any], Any], dict[str, Any]], *, lists: Sequence[str] = (),
    limit: int = MAX_JSON_BYTES, flag: tuple[str, str] = ("yes", ""), status: int = 201,
) -> JSONResponse:  # fmt: skip
    """A JSON twin's answer: the body read as :func:`json_fields` reads it (``names`` that are
    in ``lists`` are lists), ``write(sent)`` run, and ``answer(sent, done)`` sent with
    ``status``; or 400 with every problem by field, and nothing written."""
    texts = [name for name in names if name not in lists]
    try:
        sent = await json_fields(request, texts, lists, limit=limit, flag=flag)
        done = write(sent)
    except FieldProblemsError as problems:
        return json_problems(problems.errors, refusal=problems.refusal)
    return JSONResponse(answer(sent, done), status_code=status, headers=NO_STORE)


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Upload]]:
    """The text fields and the files of a ``multipart/form-data`` body (first value of each
    name wins), read with the standard library's MIME parser: the app has no multipart
    dependency, and the body is bounded by the request size limit and read whole first."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = message_from_bytes(head + body, policy=HTTP)
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    if not message.is_multipart():
        return fields, files
    parts = message.get_payload()
    assert isinstance(parts, list)
    for part in parts[:MAX_PARTS]:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in fields or name in files:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename.replace("\\", "/").rsplit("/", 1)[-1][:300], data)
        else:
            fields[name] = data.decode("utf-8", "replace")
    return fields, files


# -- checking the fields -----------------------------------------------------------------------
class Reader:
    """Reads one sent document (a form's texts, or a JSON object's values), collecting a
    problem per field in the NHS.UK error-message pattern ("Enter ...", "Select ...")."""

    def __init__(self, sent: Mapping[str, Any]) -> None:
        self.sent = sent
        self.problems: FieldErrors = []

    def problem(self, name: str, message: str) -> None:
        self.problems.append((name, message))

    def done(self) -> None:
        """Raise every problem found, if any."""
        if self.problems:
            raise FieldProblemsError(self.problems)

    def raw(self, name: str) -> str:
        """The value as stripped text: '' when absent, a boolean as ``true`` or ``false``."""
        value = self.sent.get(name)
        if value is None or isinstance(value, bool):
            return "" if value is None else str(value).lower()
        return str(value).strip()

    def text(self, name: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if required and not value:
            self.problem(name, f"Enter {what}")
        elif len(value) > limit:
            self.problem(name, f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer")
        return value

    def rationale(self) -> str:
        return self.text("rationale", "the rationale", limit=MAX_RATIONALE)

    def day(self, name: str, what: str, *, required: bool = True) -> date | None:
        text = self.raw(name)
        if not text:
            if required:
                self.problem(name, f"Enter {what} as YYYY-MM-DD")
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            self.problem(name, f"Enter {what} as a real date, YYYY-MM-DD")
            return None
        if not in_window(value):
            self.problem(name, f"Enter {what} from {EARLIEST} to {LATEST}")
            return None
        return value

    def choice(self, name: str, what: str, allowed: Mapping[str, Any]) -> Any:
        text = self.raw(name)
        if text not in allowed:
            self.problem(name, f"Select {what}")
            return None
        return allowed[text]

    def number(self, name: str, what: str) -> int | None:
        """An id chosen from a list: a whole number above 0."""
        value = self.sent.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        text = self.raw(name)
        if text.isdigit() and int(text) > 0:
            return int(text)
        self.problem(name, f"Select {what}")
        return None

    def whole(self, name: str, what: str, low: int, high: int, *,
              required: bool = False) -> int | None:  # fmt: skip
        """A whole number from ``low`` to ``high``; None when empty (and not ``required``)."""
        text = self.raw(name)
        if not text and not required:
            return None
        if not text.isdigit() or not low <= int(text) <= high:
            self.problem(name, f"Enter {what} as a whole number from {low} to {high}")
            return None
        return int(text)

    def pounds(self, name: str, what: str, *, required: bool = True) -> int | None:
        value = self.sent.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            text = self.raw(name).replace(",", "").removeprefix("£")
            if not text:
                if required:
                    self.problem(name, f"Enter {what} in whole pounds")
                return None
            number = int(text) if text.isdigit() else None
        if number is None or number <= 0:
            self.problem(name, f"Enter {what} as a whole number of pounds above £0")
            return None
        return number


# -- who acts, and the OpenAPI body --------------------------------------------------------------
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


def body_schema(model: type[BaseModel] | dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` describing a JSON request body by ``model`` (or a JSON schema): the
    route reads the body itself, after the gate, so that a refused request is refused before
    its body is parsed."""
    schema = model if isinstance(model, dict) else model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def object_schema(required: Sequence[str], **properties: dict[str, Any]) -> dict[str, Any]:
    """A JSON object's schema that takes only ``properties``."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": properties,
    }
