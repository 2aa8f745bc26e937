"""Qualitative evidence submitted in the browser by the trust's own users and its Improvement
Director (``evidence.submit``), through the importer ``specialmeasures evidence import`` uses
(``evaluation.evidence_store.import_evidence``): the same file format and checks, one
transaction, one ``evidence.imported`` audit row, nothing saved on any error.

* ``GET /providers/{code}/evidence`` (and ``.json``): the trust's evidence records, with the
  forms (``evidence.read``; a researcher, who reads evidence under site pseudonyms on
  ``/evaluation/evidence``, is refused a page whose address names the trust);
* ``POST /providers/{code}/evidence``: one record by form (and ``.json``), written as a
  one-row evidence CSV for that trust, so that it meets every check a file meets;
* ``POST /providers/{code}/evidence/import``: a CSV file (``multipart/form-data``, up to the
  request size limit), every row for this trust; the JSON twin takes ``file_name`` and
  ``csv`` (the file's text). Errors name the file, row, column and value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from specialmeasures.access import Action, Principal, Resource, can
from specialmeasures.domain import InputError, SpecialMeasuresError
from specialmeasures.evaluation.evidence import RAP_HEADINGS, SOURCE_TYPES, TIERS
from specialmeasures.evaluation.evidence_store import (
    EVIDENCE_COLUMNS,
    import_evidence,
    load_codes,
    load_records,
)
from specialmeasures.ingest.validation import DateWindow
from specialmeasures.interventions.views import regime_status
from specialmeasures.web import submissions as forms
from specialmeasures.web.gate import AccessDeniedError, Gate, permission
from specialmeasures.web.rendering import Renderer, words

__all__ = ["build_evidence_forms_router"]

Code = Annotated[str, Path(max_length=20)]
#: The form's fields: the evidence CSV's columns but the site (the page's trust).
RECORD_FIELDS = tuple(c for c in EVIDENCE_COLUMNS if c != "site")
FORM_FILE = "evidence form"


class RecordIn(BaseModel):
    """One evidence record (the columns of an evidence CSV but ``site``)."""

    ref: str = Field(description="Unique reference (at most 64 characters)")
    date: str = Field(description="When collected, YYYY-MM-DD")
    source_type: str = Field(description="One of " + ", ".join(SOURCE_TYPES))
    tier: str = Field(description="One of " + ", ".join(TIERS))
    title: str = Field(description="Title (at most 300 characters)")
    rap_context: str = ""
    rap_interventions: str = ""
    rap_drivers: str = ""
    rap_barriers: str = ""
    rap_unintended_consequences: str = ""
    rap_sustainability: str = ""
    quote: str = Field("", description="Quotes, separated by ||")
    codes: str = Field("", description="Framework codes separated by ;")


class UploadIn(BaseModel):
    """An evidence CSV, as text."""

    file_name: str = Field(description="The file's name (named in errors and the audit log)")
    csv: str = Field(description="The file's text: the evidence CSV format")


def _where(error: InputError) -> str:
    parts = [p for p in (error.file, f"row {error.row}" if error.row else None,
                         f"column {error.column!r}" if error.column else None) if p]  # fmt: skip
    return ", ".join(parts) + ": " if parts else ""


def build_evidence_forms_router(
    renderer: Renderer, gate: Gate, today: Callable[[], date]
) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def may_read_evidence(user: Principal, code: str) -> bool:
        """For the interventions page's link: asked of the policy (a link is not a read)."""
        return (can(user, Action.EVIDENCE_READ, Resource.provider(code)).allowed
                and can(user, Action.SITE_IDENTIFY).allowed)  # fmt: skip

    renderer.env.globals["may_read_evidence"] = may_read_evidence

    def identify(request: Request) -> None:
        if not can(gate.user(request), Action.SITE_IDENTIFY).allowed:
            # Not 403: the page would tie the trust's records to its name, which a reader of
            # pseudonyms may not learn; for them there is no such page.
            raise AccessDeniedError(404, "not_found", "there is no such page for you: you read "
                                    "evidence under site pseudonyms on /evaluation/evidence")  # fmt: skip

    def data(request: Request, code: str) -> dict[str, Any]:
        provider = repo.provider(code)
        records = load_records(repo, [code])
        return {
            "code": code, "name": provider.name, "confidential": True,
        "regime_status": regime_status(
            repo, code, today(),
            include_confidential=gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed,
        ),
            "records": [{"ref": r.ref, "date": r.collected_on.isoformat(),
                         "source_type": r.source_type, "tier": r.tier, "title": r.title,
                         "codes": ";".join(r.codes)} for r in records],
            "may_submit": gate.decide(request, Action.EVIDENCE_SUBMIT, code).allowed,
        }  # fmt: skip

    def page(request: Request, code: str, errors: list[dict[str, str]] | None = None,
             form: dict[str, str] | None = None, status: int = 200,
             done: str | None = None) -> HTMLResponse:  # fmt: skip
        view = data(request, code)
        codes = load_codes(repo)
        labels = {c.code: c.label for c in codes}
        shown = [{**r, "source_type": words(r["source_type"]), "tier": words(r["tier"]),
                  "codes": ", ".join(labels.get(c, c) for c in r["codes"].split(";") if c)}
                 for r in view["records"]]  # fmt: skip
        html = renderer.render(
            "evidence_forms.html", request=request, data=view, shown_records=shown,
            errors=errors or [], form=form or {}, done=done, source_types=SOURCE_TYPES,
            tiers=TIERS, rap_headings=RAP_HEADINGS, codes=codes,
            query=str(request.url.query),
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=forms.NO_STORE)

    def run_import(request: Request, code: str, name: str, content: bytes) -> dict[str, int]:
        user = gate.user(request)
        now = gate.now().astimezone(UTC).replace(tzinfo=None)
        window = DateWindow.from_settings(renderer.platform.settings, now.date())
        return import_evidence(repo, name, actor=user.username, role=user.role.value,
                               at=now.replace(tzinfo=None), window=window, content=content,
                               scope=[code])  # fmt: skip

    def add_record(request: Request, code: str, sent: dict[str, Any]) -> dict[str, int]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EVIDENCE_COLUMNS)
        writer.writerow([code if c == "site" else sent[c] for c in EVIDENCE_COLUMNS])
        try:
            return run_import(request, code, FORM_FILE, out.getvalue().encode("utf-8"))
        except InputError as error:
            field = str(error.column or "ref")
            label = field.replace("rap_", "").replace("_", " ").capitalize()
            raise forms.FieldProblemsError([(field, label + " " + str(error).removeprefix(
                _where(error)))]) from error  # fmt: skip
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError([("ref", str(error))]) from error

    def upload(request: Request, code: str, name: str, content: bytes) -> dict[str, int]:
        errors: forms.FieldErrors = []
        if not name:
            errors.append(("file", "Choose an evidence CSV file"))
        elif not content:
            errors.append(("file", f"{name} is empty"))
        if errors:
            raise forms.FieldProblemsError(errors)
        try:
            return run_import(request, code, name, content)
        except SpecialMeasuresError as error:
            raise forms.FieldProblemsError([("file", str(error))]) from error

    @router.get("/providers/{code}/evidence.json", tags=["evaluation"],
                summary="A trust's qualitative evidence records (JSON twin; confidential)")  # fmt: skip
    @permission(Action.EVIDENCE_READ, provider="code")
    def evidence_json(request: Request, code: Code) -> dict[str, Any]:
        identify(request)
        return data(request, code.upper())

    @router.get("/providers/{code}/evidence", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.EVIDENCE_READ, provider="code")
    def evidence_page(request: Request, code: Code) -> HTMLResponse:
        identify(request)
        done = request.query_params.get("done", "")
        shown = f"{done} record(s) saved." if done.isdigit() and len(done) < 7 else None
        return page(request, code.upper(), done=shown)

    @router.post("/providers/{code}/evidence", include_in_schema=False)
    @permission(Action.EVIDENCE_SUBMIT, provider="code")
    async def evidence_form(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        raw = await gate.form(request)
        sent = forms.form_fields(raw, RECORD_FIELDS)
        try:
            counts = add_record(request, code, sent)
        except forms.FieldProblemsError as problems:
            return page(request, code, forms.summary(problems.errors, "record-"),
                        {**sent, "form": "record"}, status=400)  # fmt: skip
        return RedirectResponse(f"/providers/{code}/evidence?done={counts['records']}",
                                status_code=303)  # fmt: skip

    @router.post(
        "/providers/{code}/evidence.json", tags=["evaluation"], status_code=201,
        summary="Submit one evidence record for one's own trust (JSON twin of the form)",
        openapi_extra=forms.body_schema(RecordIn),
    )  # fmt: skip
    @permission(Action.EVIDENCE_SUBMIT, provider="code")
    async def evidence_post_json(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        return await forms.json_write(
            request, RECORD_FIELDS, lambda sent: add_record(request, code, sent),
            lambda _, counts: {"ok": True, "counts": counts},
        )  # fmt: skip

    @router.post("/providers/{code}/evidence/import", include_in_schema=False)
    @permission(Action.EVIDENCE_SUBMIT, provider="code")
    async def evidence_upload(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)
        name, content = (await gate.files(request)).get("file", ("", b""))
        try:
            counts = upload(request, code, name, content)
        except forms.FieldProblemsError as problems:
            return page(request, code, forms.summary(problems.errors, "upload-"), {"form": "upload"},
                        status=400)  # fmt: skip
        return RedirectResponse(f"/providers/{code}/evidence?done={counts['records']}",
                                status_code=303)  # fmt: skip

    @router.post(
        "/providers/{code}/evidence/import.json", tags=["evaluation"], status_code=201,
        summary="Import an evidence CSV for one's own trust (JSON twin of the upload)",
        openapi_extra=forms.body_schema(UploadIn),
    )  # fmt: skip
    @permission(Action.EVIDENCE_SUBMIT, provider="code")
    async def evidence_upload_json(request: Request, code: Code) -> Response:
        code = code.upper()
        repo.provider(code)

        def from_text(sent: dict[str, Any]) -> dict[str, int]:
            name = sent["file_name"].replace("\\", "/").rsplit("/", 1)[-1][:300]
            return upload(request, code, name, sent["csv"].encode("utf-8"))

        return await forms.json_write(
            request, ("file_name", "csv"), from_text,
            lambda _, counts: {"ok": True, "counts": counts},
            limit=renderer.platform.settings.max_request_bytes,
        )  # fmt: skip

    return router
