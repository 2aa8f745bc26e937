"""Pages and their JSON twins: the providers list and the provider page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from specialmeasures.domain import ProviderType
from specialmeasures.register import provider_list, provider_profile
from specialmeasures.reports.timeline import timeline_svg
from specialmeasures.web.rendering import Renderer

__all__ = ["build_router"]

AsOf = Annotated[
    date | None, Query(description="Answer as of this date (YYYY-MM-DD); default today.")
]
Text = Annotated[str | None, Query(max_length=200)]
PUBLIC_REGIMES = ("smq", "rsp", "smf", "none")
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


def build_router(renderer: Renderer, today: Callable[[], date]) -> APIRouter:
    router = APIRouter()
    repo = renderer.platform.repository

    def list_data(
        as_of: date | None,
        type_: str | None,
        system: str | None,
        region: str | None,
        regime: str | None,
        rating: str | None,
        q: str | None,
    ) -> dict[str, Any]:
        day = as_of or today()
        # Public data only until access control lands: the CP list never reaches the web.
        regime_filter = regime if regime in PUBLIC_REGIMES else None
        rows = provider_list(
            repo,
            day,
            include_confidential=False,
            type_=type_ or None,
            system=system or None,
            region=region or None,
            regime=regime_filter,
            rating=rating or None,
            search=q,
        )
        return {
            "as_of": day.isoformat(),
            "filters": {
                "type": type_,
                "system": system,
                "region": region,
                "regime": regime_filter,
                "rating": rating,
                "q": q,
            },
            "count": len(rows),
            "counts_by_status": dict(Counter(r["regime_status"] for r in rows)),
            "dataset": repo.meta(),
            "providers": rows,
        }

    @router.get(
        "/providers.json", tags=["providers"], summary="Providers (JSON twin of /providers)"
    )
    def providers_json(
        as_of: AsOf = None,
        type: Text = None,
        system: Text = None,
        region: Text = None,
        regime: Text = None,
        rating: Text = None,
        q: Text = None,
    ) -> dict[str, Any]:
        return list_data(as_of, type, system, region, regime, rating, q)

    @router.get("/providers", response_class=HTMLResponse, include_in_schema=False)
    def providers_page(
        request: Request,
        as_of: AsOf = None,
        type: Text = None,
        system: Text = None,
        region: Text = None,
        regime: Text = None,
        rating: Text = None,
        q: Text = None,
    ) -> str:
        data = list_data(as_of, type, system, region, regime, rating, q)
        everyone = repo.providers()
        return renderer.render(
            "providers.html",
            request=request,
            data=data,
            types=[(t.value, t.label) for t in ProviderType],
            systems=sorted({p.system for p in everyone}),
            regions=sorted({p.region for p in everyone}),
            regimes=[
                ("smq", "Special measures for quality"),
                ("rsp", "Recovery Support Programme"),
                ("smf", "Special measures for finance"),
                ("none", "Not in a regime"),
            ],
            ratings=RATINGS,
            query=str(request.url.query),
        )

    @router.get("/providers/{code}.json", tags=["providers"], summary="One provider (JSON twin)")
    def provider_json(code: str, as_of: AsOf = None) -> dict[str, Any]:
        profile = provider_profile(repo, code.upper(), as_of or today(), include_confidential=False)
        profile["dataset"] = repo.meta()
        return profile

    @router.get("/providers/{code}", response_class=HTMLResponse, include_in_schema=False)
    def provider_page(request: Request, code: str, as_of: AsOf = None) -> str:
        profile = provider_profile(repo, code.upper(), as_of or today(), include_confidential=False)
        return renderer.render(
            "provider.html",
            request=request,
            profile=profile,
            timeline=timeline_svg(profile),
            query=str(request.url.query),
        )

    return router
