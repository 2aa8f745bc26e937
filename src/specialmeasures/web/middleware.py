"""ASGI middleware of the web app: security headers and a request size limit read as it streams.

Both are plain ASGI (no ``BaseHTTPMiddleware``), so neither buffers a request or a response.

**Headers.** Every response carries a Content Security Policy that allows scripts from this site
only (no ``'unsafe-inline'``: the pages' script is the static ``/static/init.js``, and the NHS.UK
template's one-line body script is allowed by its SHA-256 hash), forbids
plug-ins, framing, and forms or ``<base>`` pointing elsewhere; ``X-Content-Type-Options``,
``Referrer-Policy``, ``X-Frame-Options`` and a ``Permissions-Policy`` that turns off the
browser features the app never uses. ``Strict-Transport-Security`` is sent when the request came
over HTTPS (with ``--proxy-headers`` behind a TLS proxy) or the configured base URL is https.
Styles still allow ``'unsafe-inline'``: the NHS.UK components and the inline SVG charts set style
attributes, which cannot be hashed.

**Size.** A request whose ``Content-Length`` is over the limit is refused with 413 before its
body is read; one without (``Transfer-Encoding: chunked``) is counted as it arrives and refused
with 413 the moment the count passes the limit, having held at most one chunk in memory.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "HSTS",
    "NHSUK_BODY_SCRIPT",
    "PERMISSIONS_POLICY",
    "BodyLimitMiddleware",
    "RequestTooLargeError",
    "SecurityHeadersMiddleware",
]

#: The one inline script of the NHS.UK page template (``nhsuk/template.jinja`` of
#: nhsuk-frontend-jinja): it marks the body ``js-enabled`` and ``nhsuk-frontend-supported`` before
#: anything paints, which the NHS.UK scripts require. Allowed by its hash rather than by
#: ``'unsafe-inline'``; tests/e2e/test_web_hardening.py fails if the template's text changes.
NHSUK_BODY_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' nhsuk-frontend-supported' : '');"
)
NHSUK_BODY_SCRIPT_HASH = "sha256-" + base64.b64encode(
    hashlib.sha256(NHSUK_BODY_SCRIPT.encode("utf-8")).digest()
).decode("ascii")
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self' '{NHSUK_BODY_SCRIPT_HASH}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: Browser features the app never uses, turned off for it and anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
#: One year, the value HSTS preload lists ask for; subdomains are left to the deployer.
HSTS = "max-age=31536000"

#: Renders an error in the app's one shape: (request, status, code, message) -> response.
ErrorRenderer = Callable[[Request, int, str, str], Response]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, base_url: str | None = None) -> None:
        self.app = app
        self.hsts_always = bool(base_url and base_url.startswith("https://"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hsts = self.hsts_always or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY),
                    (b"x-content-type-options", "nosniff"),
                    (b"referrer-policy", "same-origin"),
                    (b"x-frame-options", "DENY"),
                    (b"permissions-policy", PERMISSIONS_POLICY),
                ]
                if hsts:
                    wanted.append((b"strict-transport-security", HSTS))
                headers.extend(
                    (name, value.encode("latin-1")) for name, value in wanted if name not in present
                )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestTooLargeError(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit.

    An HTTP exception (413), so the app renders it in its one error shape wherever the body is
    read, and FastAPI's own body parsing passes it on rather than turning it into a 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int, render: ErrorRenderer) -> None:
        self.app = app
        self.limit = limit
        self.render = render

    def _refusal(self, scope: Scope) -> Response:
        return self.render(
            Request(scope),
            413,
            "too_large",
            f"the request body is larger than {self.limit:,} bytes",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refusal(scope)(scope, _no_body, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise RequestTooLargeError(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLargeError:
            if started:  # too late for a status; end the connection instead
                raise
            await self._refusal(scope)(scope, _no_body, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _no_body() -> MutableMapping[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}
