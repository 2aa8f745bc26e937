"""The seed's Table 2 in the browser: the qualitative evidence's sources by type and
organisational level (national, trust), with the trusts' sources by tier, as a page, its JSON
twin and CSV and Excel downloads (cells through ``reports/cells.py``), all CONFIDENTIAL
(``evidence.read``). A reader limited to some trusts sees counts of those trusts' sources only;
no site is named, so a reader of pseudonyms (a researcher) learns no site from it either.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from specialmeasures.access import Action, can
from specialmeasures.evaluation.evidence_sources import SOURCE_COLUMNS, source_summary
from specialmeasures.reports.cells import append_row
from specialmeasures.web.downloads import csv_response
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.rendering import Renderer, words

__all__ = ["build_evidence_sources_router"]

NO_STORE = {"Cache-Control": "no-store"}
CONFIDENTIAL = "CONFIDENTIAL: qualitative evidence, not for publication"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_evidence_sources_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def data(request: Request) -> dict[str, Any]:
        # The gate has checked and audited the route; this only asks how far it reaches.
        decision = can(gate.user(request), Action.EVIDENCE_READ)
        return source_summary(repo, decision.scope)

    @router.get("/evaluation/evidence/sources.json", tags=["evaluation"],
                summary="Evidence sources by type and level, the seed's Table 2 (confidential)")  # fmt: skip
    @permission(Action.EVIDENCE_READ)
    def sources_json(request: Request) -> dict[str, Any]:
        return data(request)

    @router.get("/evaluation/evidence/sources.csv", include_in_schema=False)
    @permission(Action.EVIDENCE_READ)
    def sources_csv(request: Request) -> Response:
        found = data(request)
        return csv_response(SOURCE_COLUMNS, found["rows"], "evidence-sources.csv",
                            confidential=True)  # fmt: skip

    @router.get("/evaluation/evidence/sources.xlsx", include_in_schema=False)
    @permission(Action.EVIDENCE_READ)
    def sources_xlsx(request: Request) -> Response:
        from openpyxl import Workbook

        found = data(request)
        book = Workbook()
        sheet = book.active
        sheet.title = "sources"
        sheet.oddHeader.center.text = CONFIDENTIAL
        append_row(sheet, [CONFIDENTIAL])
        append_row(sheet, list(SOURCE_COLUMNS))
        for row in found["rows"]:
            append_row(sheet, [row[c] for c in SOURCE_COLUMNS])
        out = io.BytesIO()
        book.save(out)
        headers = {"Content-Disposition": 'attachment; filename="evidence-sources.xlsx"',
                   **NO_STORE}  # fmt: skip
        return Response(out.getvalue(), media_type=XLSX, headers=headers)

    @router.get("/evaluation/evidence/sources", response_class=HTMLResponse,
                include_in_schema=False)  # fmt: skip
    @permission(Action.EVIDENCE_READ)
    def sources_page(request: Request) -> HTMLResponse:
        found = data(request)
        shown = [{**r, "level": words(r["level"]), "source_type": words(r["source_type"])}
                 for r in found["rows"]]  # fmt: skip
        html = renderer.render("evidence_sources.html", request=request, data=found,
                               shown=shown, query=str(request.url.query))  # fmt: skip
        return HTMLResponse(html, headers=NO_STORE)

    return router
