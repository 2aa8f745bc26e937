"""Pages and their JSON twins: the providers list and the provider page.

Both are public, and role-aware: a person whose role may read confidential regime status (see
``access.policy``) also sees the Challenged Provider list, on every provider for the list and on
the providers in scope for the provider page. For everyone else the confidential fields are not
in the HTML or JSON at all, not merely hidden; each confidential view is written to the audit log.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from specialmeasures.access import Action
from specialmeasures.access.classification import public_dataset_meta
from specialmeasures.domain import ProviderType
from specialmeasures.register import PROVIDER_LIST_COLUMNS, provider_list, provider_profile
from specialmeasures.reports.cells import csv_cell
from specialmeasures.reports.timeline import timeline_svg
from specialmeasures.web.gate import Gate, permission
from specialmeasures.web.links import link
from specialmeasures.web.query import BLANK_IS_ABSENT, AsOf
from specialmeasures.web.rendering import Renderer

__all__ = ["build_router"]

Text = Annotated[str | None, Query(max_length=200), BLANK_IS_ABSENT]
PUBLIC_REGIMES = ("smq", "rsp", "smf", "none")
CONFIDENTIAL_REGIMES = ("cp",)
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
PageParams = Annotated[int, Query(ge=1, le=100_000, description="Page of results, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=1000, description="Rows per page (at most 1,000).")]


@dataclass
class ProviderFilters:
    """The filters of the providers list, shared by the page, its JSON and its CSV."""

    as_of: AsOf = None
    type: Text = None
    system: Text = None
    region: Text = None
    regime: Text = None
    rating: Text = None
    q: Text = None


Filters = Annotated[ProviderFilters, Depends()]


def build_router(renderer: Renderer, gate: Gate, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def list_data(request: Request, f: ProviderFilters) -> dict[str, Any]:
        day = f.as_of or today()
        confidential = gate.sees_whole_cp_list(request)
        allowed = PUBLIC_REGIMES + (CONFIDENTIAL_REGIMES if confidential else ())
        regime_filter = f.regime if f.regime in allowed else None
        rows = provider_list(
            repo,
            day,
            include_confidential=confidential,
            type_=f.type,
            system=f.system,
            region=f.region,
            regime=regime_filter,
            rating=f.rating,
            search=f.q,
        )
        return {
            "as_of": day.isoformat(),
            "filters": {
                "type": f.type,
                "system": f.system,
                "region": f.region,
                "regime": regime_filter,
                "rating": f.rating,
                "q": f.q,
            },
            "confidential": confidential,
            "count": len(rows),
            "counts_by_status": dict(Counter(r["regime_status"] for r in rows)),
            "dataset": public_dataset_meta(repo.meta()),
            "providers": rows,
        }

    @router.get(
        "/providers.json", tags=["providers"], summary="Providers (JSON twin of /providers)"
    )
    @permission(Action.PUBLIC_READ)
    def providers_json(
        request: Request, f: Filters, page: PageParams = 1, per_page: PerPage = 500
    ) -> dict[str, Any]:
        data = list_data(request, f)
        rows = data["providers"]
        first = (page - 1) * per_page
        data["providers"] = rows[first : first + per_page]
        more = first + per_page < len(rows)
        data["page"] = {
            "page": page,
            "per_page": per_page,
            "pages": max(1, -(-len(rows) // per_page)),
            "next": link(
                gate.platform.settings,
                request.url.path,
                request.url.include_query_params(page=page + 1).query,
            )
            if more
            else None,
        }
        return data

    @router.get(
        "/providers.csv",
        tags=["providers"],
        summary="Providers as CSV (every row that matches the filters)",
        response_class=PlainTextResponse,
    )
    @permission(Action.PUBLIC_READ)
    def providers_csv(request: Request, f: Filters) -> Response:
        data = list_data(request, f)
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer,
            fieldnames=list(PROVIDER_LIST_COLUMNS),
            extrasaction="ignore",
            lineterminator="\n",
        )
        writer.writeheader()
        for row in data["providers"]:
            writer.writerow({k: csv_cell(row.get(k)) for k in PROVIDER_LIST_COLUMNS})
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="providers-{data["as_of"]}.csv"'
            },
        )

    @router.get("/providers", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ)
    def providers_page(request: Request, f: Filters) -> str:
        data = list_data(request, f)
        everyone = repo.providers()
        return renderer.render(
            "providers.html",
            request=request,
            data=data,
            types=[(t.value, t.label) for t in ProviderType],
            systems=sorted({p.system for p in everyone}),
            regions=sorted({p.region for p in everyone}),
            regimes=[
                *([("cp", "Challenged provider (confidential)")] if data["confidential"] else []),
                ("smq", "Special measures for quality"),
                ("rsp", "Recovery Support Programme"),
                ("smf", "Special measures for finance"),
                ("none", "Not in a regime"),
            ],
            ratings=RATINGS,
            query=str(request.url.query),
        )

    def profile_data(request: Request, code: str, as_of: date | None) -> dict[str, Any]:
        code = code.upper()
        repo.provider(code)  # unknown codes are 404 before anything is audited
        confidential = gate.decide(request, Action.CONFIDENTIAL_READ, code).allowed
        profile = provider_profile(repo, code, as_of or today(), include_confidential=confidential)
        profile["confidential"] = confidential
        return profile

    @router.get("/providers/{code}.json", tags=["providers"], summary="One provider (JSON twin)")
    @permission(Action.PUBLIC_READ, provider="code")
    def provider_json(
        request: Request, code: Annotated[str, Path(max_length=20)], as_of: AsOf = None
    ) -> dict[str, Any]:
        profile = profile_data(request, code, as_of)
        profile["dataset"] = public_dataset_meta(repo.meta())
        return profile

    @router.get("/providers/{code}", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.PUBLIC_READ, provider="code")
    def provider_page(
        request: Request, code: Annotated[str, Path(max_length=20)], as_of: AsOf = None
    ) -> str:
        profile = profile_data(request, code, as_of)
        return renderer.render(
            "provider.html",
            request=request,
            profile=profile,
            timeline=timeline_svg(profile),
            query=str(request.url.query),
        )

    return router
