"""The ASGI middleware alone: the streamed size limit and the security headers."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from specialmeasures.web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware


def render(_: Request, status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status)


async def reads_everything(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await PlainTextResponse(f"{len(body)} bytes")(scope, receive, send)


def call(app: Any, headers: list[tuple[bytes, bytes]], chunks: int, size: int = 1000) -> Any:
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"a" * size, "more_body": pulled < chunks}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "scheme": "http"}
    asyncio.run(app(scope, receive, send))
    return sent, pulled


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit() -> None:
    app = BodyLimitMiddleware(reads_everything, limit=10_000, render=render)
    sent, pulled = call(app, [], chunks=10**9)  # an endless body
    assert sent[0]["status"] == 413
    assert pulled == 11  # ten chunks reach the limit, the eleventh passes it
    assert b'"too_large"' in sent[1]["body"]


def test_a_body_within_the_limit_passes_whole() -> None:
    app = BodyLimitMiddleware(reads_everything, limit=10_000, render=render)
    sent, _ = call(app, [], chunks=10)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b"10000 bytes"


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    app = BodyLimitMiddleware(reads_everything, limit=10_000, render=render)
    sent, pulled = call(app, [(b"content-length", b"10001")], chunks=11)
    assert sent[0]["status"] == 413
    assert pulled == 0


def test_headers_are_added_once_and_hsts_only_over_https() -> None:
    app = SecurityHeadersMiddleware(reads_everything)
    sent, _ = call(app, [], chunks=1)
    names = [name for name, _ in sent[0]["headers"]]
    assert names.count(b"content-security-policy") == 1
    assert b"permissions-policy" in names
    assert b"strict-transport-security" not in names
    configured = SecurityHeadersMiddleware(reads_everything, base_url="https://sm.example.org")
    sent, _ = call(configured, [], chunks=1)
    assert b"strict-transport-security" in [name for name, _ in sent[0]["headers"]]
