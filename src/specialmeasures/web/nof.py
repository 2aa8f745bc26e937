"""NHS Oversight Framework 2025/26 pages: the national league tables of one quarter and one
trust's segment (metric scores, domain scores, what would move it up a segment), each with JSON
and CSV twins. Public: the framework's segments and league tables are published.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.regime.nof_service import NofRun, stored_quarters, stored_run
from specialmeasures.rules.nof import TRUST_TYPES
from specialmeasures.rules.nof_catalogue import DOMAINS, Quarter
from specialmeasures.web.downloads import csv_response
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.query import BLANK_IS_ABSENT
from specialmeasures.web.rendering import Renderer

__all__ = ["build_nof_router"]

QuarterQ = Annotated[
    str | None,
    Query(
        max_length=7,
        pattern=r"^\d{4}[Qq][1-4]$",
        description="Financial-year quarter, e.g. 2025Q2; default the latest stored.",
    ),
    BLANK_IS_ABSENT,
]
TypeQ = Annotated[
    str | None,
    Query(pattern="^(acute|non_acute|ambulance)$", description="One league (default all)."),
    BLANK_IS_ABSENT,
]
Code = Annotated[str, Path(max_length=5, pattern="^[A-Za-z0-9]{3,5}$")]
LEAGUE_COLUMNS = ("org_type", "rank", "rank_low", "rank_high", "code", "name", "metrics_scored",
                  "average_score", "delivery_segment", "in_deficit", "capped", "pip", "segment",
                  *(f"domain_{d}" for d in DOMAINS), "synthetic", "rules")  # fmt: skip
METRIC_COLUMNS = ("id", "name", "domain", "value", "unit", "source", "score", "rank")


def build_nof_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def run_of(quarter: str | None) -> NofRun:
        return stored_run(repo, Quarter.parse(quarter) if quarter else None)

    def national(quarter: str | None, org_type: str | None) -> dict[str, Any]:
        run = run_of(quarter)
        data = run.as_data()
        kinds = [org_type] if org_type else list(TRUST_TYPES)
        data["league_tables"] = {k: v for k, v in data["league_tables"].items() if k in kinds}
        data["quarters"] = stored_quarters(repo)
        data["domains"] = DOMAINS
        data["dataset"] = public_dataset_meta(repo.meta())
        return data

    def trust(code: str, quarter: str | None) -> dict[str, Any]:
        run = run_of(quarter)
        row = run.row(code.upper())
        return {
            "quarter": run.quarter.code,
            "quarter_label": run.quarter.label,
            "policy": run.policy,
            "computed_at": run.computed_at.isoformat() if run.computed_at else None,
            "cuts": list(run.cuts.get(row.org_type, ())),
            "domain_labels": DOMAINS,
            **row.as_data(),
        }

    @router.get("/nof.json", tags=["oversight"], summary="NOF 2025/26 league tables (JSON twin)")
    @permission(Action.PUBLIC_READ)
    def nof_json(quarter: QuarterQ = None, type: TypeQ = None) -> dict[str, Any]:
        return national(quarter, type)

    @router.get("/nof.csv", include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def nof_csv(quarter: QuarterQ = None, type: TypeQ = None) -> Response:
        data = national(quarter, type)
        rows = [
            {**r, "rules": " ".join(r["rules"])}
            for league in data["league_tables"].values()
            for r in league
        ]
        return csv_response(LEAGUE_COLUMNS, rows, f"nof-{data['quarter']}.csv")

    @router.get("/nof", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def nof_page(request: Request, quarter: QuarterQ = None, type: TypeQ = None) -> str:
        return renderer.render(
            "nof.html", request=request, data=national(quarter, type), query=str(request.url.query)
        )

    @router.get(
        "/nof/{code}.json", tags=["oversight"], summary="One trust's NOF segment (JSON twin)"
    )
    @permission(Action.PUBLIC_READ, provider="code")
    def nof_trust_json(code: Code, quarter: QuarterQ = None) -> dict[str, Any]:
        return trust(code, quarter)

    @router.get("/nof/{code}.csv", include_in_schema=False)
    @permission(Action.PUBLIC_READ, provider="code")
    def nof_trust_csv(code: Code, quarter: QuarterQ = None) -> Response:
        data = trust(code, quarter)
        return csv_response(
            METRIC_COLUMNS, data["metrics"], f"nof-{data['code']}-{data['quarter']}.csv"
        )

    @router.get("/nof/{code}", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ, provider="code")
    def nof_trust_page(request: Request, code: Code, quarter: QuarterQ = None) -> str:
        return renderer.render(
            "nof_trust.html",
            request=request,
            data=trust(code, quarter),
            query=str(request.url.query),
        )

    return router
