"""The gate every request passes: who is asking, may they, and what to write to the audit log.

Each route declares its permission with :func:`permission`; the gate is installed as a global
FastAPI dependency, looks the permission up on the matched route and asks
``access.policy.can``. A route that declares no permission is refused (fail closed), and
``tests/e2e/test_access_matrix.py`` fails for it. Static files and the OpenAPI document and
its viewer, which FastAPI and Starlette add outside the dependency system, are public and listed
in :data:`PUBLIC_FRAMEWORK_PATHS`.

The gate also checks the CSRF token of every state-changing request, and writes to the audit
log every sensitive read and (through the sign-in routes) every sign-in, failed sign-in and
sign-out; denials and throttled sign-ins are written aggregated per actor, client and minute
(``web/denials.py``), so a flood of them cannot fill the log.

Once a request is checked and audited, the gate asks the body cache (``web/body_cache.py``)
whether the same answer is kept for this data version and this reader's visibility; if so it
raises ``CachedBodyHitError`` and the app answers with the kept body, writing again the audit
rows the route itself wrote when it was built.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request, Response
from starlette.routing import BaseRoute

from specialmeasures.access import (
    ANONYMOUS,
    CONFIDENTIAL,
    Accounts,
    Action,
    Decision,
    LoginThrottle,
    Principal,
    Resource,
    Session,
    Sessions,
    can,
)
from specialmeasures.access.throttle_shared import database_throttle
from specialmeasures.bootstrap import Platform
from specialmeasures.store import audit
from specialmeasures.web.body_cache import BodyCache
from specialmeasures.web.denials import DenialKind, DenialLog
from specialmeasures.web.submissions import Upload, parse_multipart

__all__ = [
    "COOKIE_CSRF",
    "COOKIE_SESSION",
    "CSRF_FIELD",
    "PUBLIC_FRAMEWORK_PATHS",
    "AccessDeniedError",
    "Gate",
    "RoutePermission",
    "permission",
    "route_permission",
]

COOKIE_SESSION = "sm_session"
COOKIE_CSRF = "sm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 64 * 1024
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

#: Routes added by FastAPI and Starlette rather than by our routers: all public.
PUBLIC_FRAMEWORK_PATHS = frozenset({"/openapi.json", "/static", "/assets"})

F = TypeVar("F", bound=Callable[..., Any])
_UNSET = object()


@dataclass(frozen=True, slots=True)
class RoutePermission:
    """What a route does (``action``) and which path parameter names its provider, if any."""

    action: Action
    provider_param: str | None = None


def permission(action: Action, *, provider: str | None = None) -> Callable[[F], F]:
    """Declare the permission a route needs (decorate the endpoint function)."""

    def mark(endpoint: F) -> F:
        endpoint.__sm_permission__ = RoutePermission(action, provider)  # type: ignore[attr-defined]
        return endpoint

    return mark


def route_permission(route: BaseRoute | None) -> RoutePermission | None:
    endpoint = getattr(route, "endpoint", None)
    found = getattr(endpoint, "__sm_permission__", None)
    return found if isinstance(found, RoutePermission) else None


class AccessDeniedError(Exception):
    """A refused request; the app turns it into a 401, 403 or 429 in the one error shape."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class Gate:
    """Authentication, authorisation, CSRF and audit for one app (one per ``create_app``)."""

    def __init__(
        self,
        platform: Platform,
        *,
        now: Callable[[], datetime],
        accounts: Accounts | None = None,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.platform = platform
        self.now = now
        self.accounts = accounts or Accounts(platform.repository, now=now)
        self.sessions = Sessions(platform.repository, self.accounts, now=now)
        # The database's book: every worker of `serve --workers N` shares one count.
        self.throttle = throttle or database_throttle(platform.repository)
        # SQLite has no SELECT ... FOR UPDATE: serialise this process's audit writers instead.
        self._audit_lock = threading.Lock()
        # Refusals are aggregated per actor, client, kind and minute (web/denials.py).
        self.denials = DenialLog(self._write_denial)
        #: Rendered bodies kept per data version and visibility (web/body_cache.py), if any.
        self.bodies: BodyCache | None = None

    # -- who is asking ----------------------------------------------------------------------
    def session(self, request: Request) -> Session | None:
        found = getattr(request.state, "sm_session", _UNSET)
        if found is _UNSET:
            found = self.sessions.lookup(request.cookies.get(COOKIE_SESSION))
            request.state.sm_session = found
        assert found is None or isinstance(found, Session)
        return found

    def user(self, request: Request) -> Principal:
        session = self.session(request)
        return session.account.principal() if session else ANONYMOUS

    def _display_name(self, request: Request) -> str:
        session = self.session(request)
        return session.account.display_name if session else ANONYMOUS.display_name

    def csrf_token(self, request: Request) -> str:
        """The token forms on this page must carry: the session's, or the anonymous cookie's."""
        session = self.session(request)
        if session:
            return session.csrf_token
        if getattr(request.state, "sm_csrf", _UNSET) is _UNSET:
            current = request.cookies.get(COOKIE_CSRF, "")
            request.state.sm_csrf = current if 20 <= len(current) <= 100 else ""
            request.state.sm_csrf_new = not request.state.sm_csrf
            if request.state.sm_csrf_new:
                request.state.sm_csrf = secrets.token_urlsafe(32)
        token: str = request.state.sm_csrf
        return token

    def secure_cookies(self, request: Request) -> bool:
        configured = self.platform.settings.cookie_secure
        if configured is not None:
            return configured
        return (request.url.hostname or "") not in LOOPBACK

    def set_cookies(self, request: Request, response: Response) -> None:
        """Set the anonymous CSRF cookie if this request minted one."""
        if getattr(request.state, "sm_csrf_new", False):
            response.set_cookie(
                COOKIE_CSRF,
                request.state.sm_csrf,
                httponly=True,
                samesite="lax",
                secure=self.secure_cookies(request),
                path="/",
            )

    # -- deciding ---------------------------------------------------------------------------
    def decide(
        self, request: Request, action: Action, provider_code: str | None = None
    ) -> Decision:
        """A field-level question from a page; an allowed confidential read is audited."""
        user = self.user(request)
        resource = Resource.provider(provider_code) if provider_code else Resource("collection")
        decision = can(user, action, resource)
        if decision and action in CONFIDENTIAL:
            self.record(
                request,
                f"read.{action.value}",
                "provider" if provider_code else "collection",
                provider_code.upper() if provider_code else request.url.path,
                {"path": request.url.path},
            )
        return decision

    def sees_whole_cp_list(self, request: Request) -> bool:
        """Whether the reader may see confidential regimes across every provider (lists,
        counts): a role with a provider scope sees them only on its providers' own pages. Only
        a read that shows them is audited as a confidential read."""
        decision = can(self.user(request), Action.CONFIDENTIAL_READ, Resource("collection"))
        if not (decision.allowed and decision.scope is None):
            return False
        return self.decide(request, Action.CONFIDENTIAL_READ).allowed

    async def __call__(self, request: Request) -> None:
        """The global dependency: runs before every route's own parameters and body."""
        rule = route_permission(request.scope.get("route"))
        self.denials.flush(self.now())  # counts of denials in minutes that are over
        user = self.user(request)
        if rule is None:
            self._deny(request, user, None, None, "the route declares no permission")
        assert rule is not None
        code = None
        if rule.provider_param:
            code = str(request.path_params.get(rule.provider_param, "")).upper() or None
        resource = Resource.provider(code) if code else Resource("collection")
        decision = can(user, rule.action, resource)
        if not decision:
            self._deny(request, user, rule.action, code, decision.reason)
        if request.method not in SAFE_METHODS:
            await self._check_csrf(request, user)
        request.state.decision = decision
        if rule.action in CONFIDENTIAL:
            self.record(
                request,
                f"read.{rule.action.value}",
                "provider" if code else "route",
                code or request.url.path,
                {"path": request.url.path},
            )
        if self.bodies is not None:  # checked and audited: answer from the cache if it can
            self.bodies.check(
                request, user, lambda: (self._display_name(request), self.csrf_token(request))
            )

    async def form(self, request: Request) -> dict[str, str]:
        """The URL-encoded form of a POST, parsed once; a ``multipart/form-data`` form (one
        with a file, up to the request size limit) too, its files kept for :meth:`files`."""
        if getattr(request.state, "sm_form", _UNSET) is _UNSET:
            ctype = request.headers.get("content-type", "").split(";")[0].strip()
            multipart = ctype == "multipart/form-data"
            limit = self.platform.settings.max_request_bytes if multipart else MAX_FORM_BYTES
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise AccessDeniedError(413, "too_large", "the form is too large")
            # Read as it arrives and stop at the limit: a chunked body has no length to check.
            chunks: list[bytes] = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise AccessDeniedError(413, "too_large", "the form is too large")
                chunks.append(chunk)
            body = b"".join(chunks)
            pairs = (
                parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                if ctype == "application/x-www-form-urlencoded"
                else []
            )
            if multipart:
                fields, request.state.sm_files = parse_multipart(
                    body, request.headers.get("content-type", "")
                )
                pairs = list(fields.items())
            request.state.sm_form = dict(pairs[:50])
        form: dict[str, str] = request.state.sm_form
        return form

    async def files(self, request: Request) -> dict[str, Upload]:
        """The files of a ``multipart/form-data`` POST (name -> (file name, bytes))."""
        await self.form(request)
        found: dict[str, Upload] = getattr(request.state, "sm_files", {})
        return found

    async def _check_csrf(self, request: Request, user: Principal) -> None:
        sent = request.headers.get(CSRF_HEADER) or (await self.form(request)).get(CSRF_FIELD, "")
        session = self.session(request)
        expected = session.csrf_token if session else request.cookies.get(COOKIE_CSRF, "")
        if not expected or not sent or not secrets.compare_digest(sent, expected):
            self.record_denial(
                request,
                "access.denied",
                "route",
                f"{request.method} {request.url.path}",
                {"reason": "missing or wrong CSRF token"},
                user=user,
            )
            raise AccessDeniedError(
                403, "csrf", "the form has expired or did not come from this site"
            )

    def _deny(
        self,
        request: Request,
        user: Principal,
        action: Action | None,
        code: str | None,
        reason: str,
    ) -> None:
        self.record_denial(
            request,
            "access.denied",
            "provider" if code else "route",
            code or f"{request.method} {request.url.path}",
            {
                "path": request.url.path,
                "method": request.method,
                "action": action.value if action else None,
                "reason": reason,
            },
            user=user,
        )
        if not user.signed_in:
            raise AccessDeniedError(401, "unauthenticated", "sign in to see this page")
        raise AccessDeniedError(403, "forbidden", "you do not have permission to see this page")

    # -- the audit log -----------------------------------------------------------------------
    def record(
        self,
        request: Request,
        action: str,
        entity: str,
        entity_key: str,
        payload: dict[str, Any],
        *,
        user: Principal | None = None,
    ) -> None:
        who = user or self.user(request)
        client = request.client.host if request.client else ""
        if self.bodies is not None and user is None:
            # Written again with each answer from the body cache (a route's own audit rows).
            self.bodies.note_audit(request, action, entity, entity_key, payload)
        with self._audit_lock, self.platform.repository.transaction() as conn:
            audit.append(
                conn,
                actor=who.username[:300],
                role=who.role.value,
                action=action,
                entity=entity,
                entity_key=entity_key[:300],
                payload={**payload, "client": client},
                at=self.now(),
            )

    def record_denial(
        self,
        request: Request,
        action: str,
        entity: str,
        entity_key: str,
        payload: dict[str, Any],
        *,
        user: Principal | None = None,
    ) -> None:
        """Audit a refusal, aggregated: the first of its kind in a minute now, repeats counted."""
        who = user or self.user(request)
        client = request.client.host if request.client else ""
        kind = DenialKind(
            who.username[:300], who.role.value, client, action, entity, entity_key[:300]
        )
        self.denials.record(kind, payload, self.now())

    def _write_denial(
        self, kind: DenialKind, action: str, payload: dict[str, Any], at: datetime
    ) -> None:
        with self._audit_lock, self.platform.repository.transaction() as conn:
            audit.append(
                conn,
                actor=kind.actor,
                role=kind.role,
                action=action,
                entity=kind.entity,
                entity_key=kind.entity_key,
                payload={**payload, "client": kind.client},
                at=at,
            )
