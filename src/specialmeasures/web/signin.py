"""Sign in, sign out and one's own account: pages, JSON twin and the form handlers."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from specialmeasures.access import Action
from specialmeasures.domain import NotFoundError
from specialmeasures.web.gate import COOKIE_CSRF, COOKIE_SESSION, Gate, permission
from specialmeasures.web.rendering import Renderer
from specialmeasures.web.start import start_page

__all__ = ["build_signin_router", "safe_next"]

DEFAULT_NEXT = "/providers"
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Signed in without the permission this needs"},
}


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    return asked_next(value) or DEFAULT_NEXT


def asked_next(value: str | None) -> str:
    """The page a ``next`` parameter asks for, if it is a path on this site; else ``""``."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and len(value) <= 500
        and not any(ord(c) < 32 for c in value)
    ):
        return value
    return ""


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second" + ("s" if seconds != 1 else "")
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute" + ("s" if minutes != 1 else "")


def build_signin_router(renderer: Renderer, gate: Gate) -> APIRouter:
    router = APIRouter()

    def login_response(
        request: Request,
        *,
        status: int = 200,
        next_: str = "",
        username: str = "",
        error: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        html = renderer.render(
            "login.html", request=request, next=next_, username=username, error=error
        )
        response = HTMLResponse(html, status_code=status, headers=headers)
        gate.set_cookies(request, response)
        return response

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.SIGN_IN)
    def login_page(
        request: Request, next: Annotated[str | None, Query(max_length=500)] = None
    ) -> HTMLResponse:
        return login_response(request, next_=asked_next(next))

    @router.post("/login", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.SIGN_IN)
    async def login(request: Request) -> Response:
        form = await gate.form(request)
        username = form.get("username", "").strip().lower()[:64]
        # Not truncated: a password longer than the maximum fails here as it could not be set.
        password = form.get("password", "")
        # Without a page asked for, each person lands on their own start page (web/start.py).
        next_ = asked_next(form.get("next"))
        if not username or not password:
            return login_response(
                request,
                status=400,
                next_=next_,
                username=username,
                error="Enter your username and password.",
            )
        address = request.client.host if request.client else "unknown"
        # Counted before the password is checked, so parallel attempts cannot overtake the count.
        admission = gate.throttle.admit(username, address, gate.now())
        if admission.retry_after is not None:
            wait = admission.retry_after
            gate.record_denial(
                request, "login.throttled", "session", "login", {"retry_after": wait}
            )
            return login_response(
                request,
                status=429,
                next_=next_,
                username=username,
                error=f"Too many failed attempts. Try again in {_wait_text(wait)}.",
                headers={"Retry-After": str(wait)},
            )
        account = await run_in_threadpool(gate.accounts.authenticate, username, password)
        if account is None:
            try:
                # Name the account only if it exists: people type passwords into the wrong box.
                known = gate.accounts.get(username).username
            except NotFoundError:
                known = "(no such account)"
            gate.record(request, "login.failure", "session", "login", {"username": known})
            return login_response(
                request,
                status=401,
                next_=next_,
                username=username,
                error="The username or password is not right.",
            )
        gate.throttle.succeeded(admission)
        # A fresh session on every sign-in; whoever was signed in on this browser is signed out.
        gate.sessions.end(request.cookies.get(COOKIE_SESSION))
        session = gate.sessions.start(account)
        gate.record(request, "login.success", "session", "login", {}, user=account.principal())
        response = RedirectResponse(next_ or start_page(account.principal()), status_code=303)
        response.set_cookie(
            COOKIE_SESSION,
            session.token,
            max_age=int(gate.sessions.lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=gate.secure_cookies(request),
            path="/",
        )
        response.delete_cookie(COOKIE_CSRF, path="/")
        return response

    @router.post("/logout", include_in_schema=False)
    @permission(Action.SIGN_OUT)
    def logout(request: Request) -> Response:
        if gate.session(request):
            gate.record(request, "logout", "session", "logout", {})
            gate.sessions.end(request.cookies.get(COOKIE_SESSION))
        response = RedirectResponse(DEFAULT_NEXT, status_code=303)
        response.delete_cookie(COOKIE_SESSION, path="/")
        return response

    def account_data(request: Request) -> dict[str, Any]:
        session = gate.session(request)
        assert session is not None  # the gate let only signed-in people through
        account = session.account
        return {
            **account.as_dict(),
            "role_label": account.role.label,
            "session_expires_at": session.expires_at.isoformat() + "Z",
        }

    @router.get(
        "/account.json",
        tags=["account"],
        summary="The signed-in account (JSON twin of /account)",
        responses=AUTH_RESPONSES,
    )
    @permission(Action.ACCOUNT_READ_OWN)
    def account_json(request: Request) -> dict[str, Any]:
        # The token a client that writes only JSON sends as X-CSRF-Token: its own session's,
        # on an answer that is never cached (web/private_caching.py).
        session = gate.session(request)
        assert session is not None
        return {**account_data(request), "csrf_token": session.csrf_token}

    @router.get("/account", response_class=HTMLResponse, include_in_schema=False)
    @permission(Action.ACCOUNT_READ_OWN)
    def account_page(request: Request) -> str:
        return renderer.render("account.html", request=request, account=account_data(request))

    return router
