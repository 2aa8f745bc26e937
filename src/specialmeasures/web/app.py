"""The FastAPI application factory.

Every HTML page has a JSON twin at the same path with ``.json`` appended (``/providers`` and
``/providers.json``), returning the same data the page shows. Errors have one shape in JSON
(``{"error": {"status": 404, "code": "not_found", "message": "..."}}``) and an NHS.UK-styled
error page in HTML.

Access is decided in one place: every route declares a permission (``web.gate.permission``), a
global dependency (``web.gate.Gate``) checks it with ``access.policy.can`` before the route runs,
checks the CSRF token of every state-changing request and writes denials and sensitive reads to
the audit log. See docs/access-control.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from specialmeasures import __version__
from specialmeasures.access import Accounts, Action, LoginThrottle, can
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import NotFoundError, SpecialMeasuresError
from specialmeasures.evaluation.documents import ImpactCache
from specialmeasures.monitoring.watchlist import WatchList, screen
from specialmeasures.regime.backtest_views import BacktestCache
from specialmeasures.store import Repository
from specialmeasures.store.versioned import VersionedCache
from specialmeasures.web.admin import build_admin_router
from specialmeasures.web.api_reference import build_api_reference_router
from specialmeasures.web.audit_log import build_audit_router
from specialmeasures.web.backtest import build_backtest_router
from specialmeasures.web.body_cache import BodyCache, BodyCacheMiddleware, CachedBodyHitError
from specialmeasures.web.dates import check_query_dates
from specialmeasures.web.decisions import build_decisions_router
from specialmeasures.web.evaluation import build_evaluation_router
from specialmeasures.web.evidence_forms import build_evidence_forms_router
from specialmeasures.web.evidence_sources import build_evidence_sources_router
from specialmeasures.web.gate import AccessDeniedError, Gate
from specialmeasures.web.id_notes import build_id_notes_router
from specialmeasures.web.indicators import build_indicators_router
from specialmeasures.web.intervention_forms import build_intervention_forms_router
from specialmeasures.web.interventions import build_interventions_router
from specialmeasures.web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from specialmeasures.web.nof import build_nof_router
from specialmeasures.web.oversight_forms import build_oversight_forms_router
from specialmeasures.web.overview import build_overview_router
from specialmeasures.web.pages import build_router
from specialmeasures.web.precompute import precompute_read_models
from specialmeasures.web.private_caching import PrivateCachingMiddleware
from specialmeasures.web.regulator_forms import build_regulator_forms_router
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.saf import build_saf_router
from specialmeasures.web.signin import build_signin_router
from specialmeasures.web.support import build_support_router
from specialmeasures.web.systems import build_systems_router
from specialmeasures.web.user_admin import build_user_admin_router
from specialmeasures.web.watchlist import build_watchlist_router

__all__ = ["create_app"]

STATIC = Path(__file__).with_name("static")


def _error_payload(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def create_app(
    platform: Platform,
    *,
    today: Callable[[], date] = date.today,
    now: Callable[[], datetime] = _utcnow,
    accounts: Accounts | None = None,
    throttle: LoginThrottle | None = None,
    precompute: bool = False,
) -> FastAPI:
    """Build the web application over an already bootstrapped platform.

    ``today`` is the clock used for the default "as of" date and ``now`` the clock of sessions,
    login throttling and the audit log; tests pass fixed ones. ``accounts`` and ``throttle``
    replace the default account book (argon2 parameters) and login limits.
    ``precompute`` (``serve`` sets it) keeps the slowest regulator read models computed ahead of
    the first request, in a background thread (``web.precompute``).
    """
    gate = Gate(platform, now=now, accounts=accounts, throttle=throttle)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        gate.denials.flush()  # counts of repeated denials not yet written

    app = FastAPI(
        title="specialmeasures",
        version=__version__,
        description="Register, regime engine and early warning for struggling healthcare providers.",
        docs_url=None,  # served by web.api_reference from local templates (no CDN)
        redoc_url=None,
        dependencies=[Depends(gate), Depends(check_query_dates)],
        lifespan=lifespan,
    )
    renderer = Renderer(platform)

    # Rendered bodies of the regulator pages and twins, per data version and visibility.
    bodies = BodyCache(platform.repository, today)
    gate.bodies = bodies

    def page_context(request: Request) -> dict[str, Any]:
        user = gate.user(request)
        csrf = gate.csrf_token(request)
        if bodies.building(request):  # kept for every reader alike: their own put back per answer
            user = replace(user, display_name=bodies.name_mark)
            csrf = bodies.csrf_mark
        return {
            "user": user,
            "csrf_token": csrf,
            "can_manage_accounts": can(user, Action.ACCOUNTS_MANAGE).allowed,
            "can_read_watchlist": can(user, Action.WATCHLIST_READ).allowed,
            "can_read_recommendations": can(user, Action.RECOMMENDATION_READ).allowed,
            "can_read_caseload": can(user, Action.CASELOAD_READ).allowed,
            "can_read_evaluation": can(user, Action.EVALUATION_READ).allowed,
            "can_read_audit": can(user, Action.AUDIT_READ).allowed,
        }

    renderer.context = page_context
    app.state.platform = platform
    app.state.renderer = renderer
    app.state.gate = gate
    # Expensive read models (the watch list, the backtest) are kept until the data changes.
    cache = VersionedCache()
    app.state.cache = cache
    app.state.backtest_cache = BacktestCache(cache)

    def cached_screen(repository: Repository, day: date) -> WatchList:
        return cache.get(repository, ("watchlist", day), lambda: screen(repository, day))

    balancing_cache = VersionedCache(size=8)
    impact_cache = ImpactCache()
    if precompute:
        precompute_read_models(
            app, platform.repository, today, cached_screen, balancing_cache, impact_cache
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The NHS.UK stylesheet refers to its icons under /assets.
    app.mount("/assets", StaticFiles(directory=STATIC / "nhsuk" / "assets"), name="assets")
    app.include_router(build_router(renderer, gate, today))
    app.include_router(build_signin_router(renderer, gate))
    app.include_router(build_admin_router(renderer, gate))
    app.include_router(build_audit_router(renderer))
    app.include_router(build_api_reference_router(renderer, app))
    app.include_router(build_watchlist_router(renderer, today, cached_screen))
    app.include_router(build_decisions_router(renderer, gate, today))
    app.include_router(build_indicators_router(renderer, gate, today))
    app.include_router(build_saf_router(renderer, gate, today))
    app.include_router(build_overview_router(renderer, gate, today))
    app.include_router(build_systems_router(renderer, gate, today, cached_screen))
    app.include_router(build_interventions_router(renderer, gate, today))
    app.include_router(
        build_evaluation_router(renderer, gate, today, balancing_cache, impact_cache)
    )
    app.include_router(build_backtest_router(renderer))
    app.include_router(build_nof_router(renderer, gate))
    app.include_router(build_support_router(renderer, gate))
    app.include_router(build_regulator_forms_router(renderer, gate, today))
    app.include_router(build_intervention_forms_router(renderer, gate, today))
    app.include_router(build_oversight_forms_router(renderer, gate, today))
    app.include_router(build_id_notes_router(renderer, gate, today))
    app.include_router(build_user_admin_router(renderer, gate))
    app.include_router(build_evidence_forms_router(renderer, gate, today))
    app.include_router(build_evidence_sources_router(renderer, gate))

    def wants_json(request: Request) -> bool:
        return (
            request.url.path.endswith(".json")
            or "application/json" in request.headers.get("accept", "").split(",")[0]
        )

    def error_response(
        request: Request,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if wants_json(request):
            return JSONResponse(
                _error_payload(status, code, message), status_code=status, headers=headers
            )
        html = renderer.render(
            "error.html", request=request, status=status, code=code, message=message
        )
        return HTMLResponse(html, status_code=status, headers=headers)

    @app.exception_handler(AccessDeniedError)
    async def denied(request: Request, error: AccessDeniedError) -> Response:
        if error.status == 401 and request.method in ("GET", "HEAD") and not wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return error_response(request, error.status, error.code, error.message, error.headers)

    @app.exception_handler(CachedBodyHitError)
    async def cached_body(request: Request, hit: CachedBodyHitError) -> Response:
        for action, entity, entity_key, payload in hit.entry.audit:
            gate.record(request, action, entity, entity_key, payload)
        return bodies.answer(hit)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> Response:
        return error_response(request, 404, "not_found", str(error))

    @app.exception_handler(SpecialMeasuresError)
    async def bad_request(request: Request, error: SpecialMeasuresError) -> Response:
        return error_response(request, 400, "bad_request", str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        message = f"{where}: {first.get('msg', 'invalid value')}" if where else "invalid request"
        return error_response(request, 422, "invalid", message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            error.status_code, "http_error"
        )
        return error_response(
            request, error.status_code, code, str(error.detail), dict(error.headers or {})
        )

    settings = platform.settings
    app.add_middleware(BodyCacheMiddleware, cache=bodies)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_bytes, render=error_response)
    app.add_middleware(SecurityHeadersMiddleware, base_url=settings.base_url)

    # Cache-Control: no-store and Vary: Cookie on per-user responses (web/private_caching.py).
    app.add_middleware(PrivateCachingMiddleware)
    return app
