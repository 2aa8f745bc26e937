"""Cache headers for responses that depend on who is signed in.

A page, JSON twin or CSV built for a signed-in person (their name in the header, fields their
role may see, a confidential download) must not be kept by a browser's history cache or a shared
proxy and shown to the next person. This ASGI middleware marks every such response
``Cache-Control: no-store`` and every dynamic response ``Vary: Cookie`` (the same URL answers
differently with and without a session cookie), whatever the route itself set.

A response depends on the signed-in user when the request carries the session cookie, or when
its route needs more than ``public.read`` (the sign-in form, one's account, every confidential
route, whose refusals are no-store too). Anonymous reads of public routes keep their cacheability
(with ``Vary: Cookie``); static files are left alone.

This module owns only these two headers; the other security headers are set elsewhere.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specialmeasures.access import Action
from specialmeasures.web.gate import COOKIE_SESSION, route_permission

__all__ = ["NO_STORE", "PrivateCachingMiddleware", "depends_on_user"]

NO_STORE = "no-store"
#: The only action whose answer is the same for everyone who has not signed in.
_PUBLIC_ACTIONS = frozenset({Action.PUBLIC_READ})


def _has_session_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar = SimpleCookie(value.decode("latin-1"))
            except CookieError:
                return True  # unreadable cookies: assume the worst
            if COOKIE_SESSION in jar:
                return True
    return False


def depends_on_user(scope: Scope) -> bool:
    """True when the response to this (already routed) request may differ per signed-in user."""
    if _has_session_cookie(scope):
        return True
    rule = route_permission(scope.get("route"))
    return rule is not None and rule.action not in _PUBLIC_ACTIONS


def _is_static(scope: Scope) -> bool:
    return isinstance(scope.get("route"), Mount)


class PrivateCachingMiddleware:
    """Adds ``Vary: Cookie`` to dynamic responses and ``no-store`` to per-user ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            # The router has filled in scope["route"] by the time the response starts.
            if message["type"] == "http.response.start" and not _is_static(scope):
                headers = MutableHeaders(scope=message)
                vary = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                if "cookie" not in {v.lower() for v in vary}:
                    headers["vary"] = ", ".join([*vary, "Cookie"])
                if depends_on_user(scope):
                    headers["cache-control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)
