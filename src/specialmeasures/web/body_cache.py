"""Rendered bodies of the regulator pages and their twins, kept until the data changes.

The read models behind the regulator pages are computed once per data version
(``store.versioned``), but every request still built the page from them: the watch list's
2,000 rows through Jinja, the overview's counts, the JSON encoding of half a megabyte. With
fifty users reading these pages the server's time went there. This cache keeps the bytes of a
page, JSON twin or CSV download after its first ``200`` and answers the same request with them
while nothing has changed.

What is in the key is everything that can change what the response says:

* the data version (``store.data_version``: every change to the data bumps it, a page view
  does not), read per request, so the first request after a change builds the page again;
* the path and the query string as sent, the ``Host`` header and the default day (``today``:
  a page without ``as_of`` answers for today);
* the reader's visibility: the role and, for scoped roles, the providers of the scope; whether
  the reader is signed in. Nothing computed for one role or scope is answered to another.

What a page says about the reader themselves (their name in the header and the CSRF token of the
sign-out form and of any other form on the page) is not in the key: the page is built with two
placeholders instead (random per process, letters and digits only, so no escaping changes them;
only the app's page context hands them to the templates) and each answer puts the reader's own
back, escaped as Jinja escapes them.

The gate still runs first for every request: the session is read (a signed-out or disabled
account is refused at once), the permission is checked and the confidential read is audited.
The audit rows a route writes itself (``Gate.decide`` for a field-level question, e.g. whether
the reader may see the confidential regimes) are noted with the body and written again, each
with this request's client, on every answer from the cache: the audit log reads the same as if
the page had been built. Only ``GET`` requests of the routes in :data:`CACHED_ROUTES` are kept;
a response that sets a cookie is never kept.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specialmeasures.access import Principal
from specialmeasures.store import Repository
from specialmeasures.store.versioned import data_version

__all__ = [
    "CACHED_ROUTES",
    "BodyCache",
    "BodyCacheMiddleware",
    "CachedBody",
    "CachedBodyHitError",
]

#: The routes (path templates, ``GET``) whose bodies are kept: regulator pages and their twins,
#: and the register's list and overview they link to.
CACHED_ROUTES = frozenset(
    {
        "/providers.json",
        "/watchlist",
        "/watchlist.json",
        "/watchlist.csv",
        "/systems/{name}",
        "/systems/{name}.json",
        "/overview",
        "/overview.json",
        "/backtest",
        "/backtest.json",
        "/providers/{code}/decisions",
        "/providers/{code}/decisions.json",
        "/evaluation/impact",
        "/evaluation/impact.json",
        "/evaluation/impact.csv",
        "/evaluation/balancing",
        "/evaluation/balancing.json",
        "/evaluation/balancing.csv",
    }
)

#: Headers of a response that are never stored (the length is recomputed per answer).
_NOT_STORED = frozenset({b"set-cookie", b"content-length"})
_STATE_KEY = "sm_body_key"
_STATE_AUDIT = "sm_body_audit"
_STATE_HIT = "sm_body_hit"
_STATE_READER = "sm_body_reader"


@dataclass(frozen=True, slots=True)
class CachedBody:
    """One stored answer: status, headers, the body with placeholders, the route's audit rows."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    audit: tuple[tuple[str, str, str, dict[str, Any]], ...]


class CachedBodyHitError(Exception):
    """Raised by the gate (after it has checked and audited) to answer from the cache."""

    def __init__(self, entry: CachedBody, name: str, csrf: str) -> None:
        super().__init__("answered from the body cache")
        self.entry = entry
        self.name = name
        self.csrf = csrf


def _route_path(route: BaseRoute | None) -> str | None:
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class BodyCache:
    """Bodies per data version and visibility, at most ``max_bytes`` in all (oldest out first)."""

    def __init__(
        self,
        repository: Repository,
        today: Callable[[], date],
        *,
        max_bytes: int = 64 * 1024 * 1024,
        routes: frozenset[str] = CACHED_ROUTES,
    ) -> None:
        self.repository = repository
        self.today = today
        self.max_bytes = max_bytes
        self.routes = routes
        #: Placeholders the page is built with instead of the reader's name and CSRF token.
        self.name_mark = f"smname{secrets.token_hex(12)}"
        self.csrf_mark = f"smcsrf{secrets.token_hex(12)}"
        self.hits = 0
        self.stored = 0
        self._entries: OrderedDict[tuple[Any, ...], CachedBody] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self._lock = threading.Lock()

    # -- the gate's side ---------------------------------------------------------------------
    def key(self, request: Request, user: Principal) -> tuple[Any, ...] | None:
        """The key of this request, or None when its response is not kept."""
        if request.method != "GET":
            return None
        path = _route_path(request.scope.get("route"))
        if path is None or path not in self.routes:
            return None
        return (
            data_version(self.repository),
            request.url.path,
            request.url.query,
            request.headers.get("host", ""),
            self.today(),
            user.role.value,
            tuple(sorted(user.providers)),
            user.signed_in,
        )

    def check(
        self, request: Request, user: Principal, reader: Callable[[], tuple[str, str]]
    ) -> None:
        """Raise :class:`CachedBodyHitError` with the stored answer, or mark the request so that
        its answer is stored (and its page built with the placeholders). ``reader`` gives the
        reader's own name and CSRF token (asked only for a request whose answer is kept)."""
        key = self.key(request, user)
        if key is None:
            return
        name, csrf = reader()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if entry is not None:
            request.state.sm_body_hit = True
            raise CachedBodyHitError(entry, name, csrf)
        request.state.sm_body_key = key
        request.state.sm_body_audit = []
        request.state.sm_body_reader = (name, csrf)

    def building(self, request: Request) -> bool:
        """True while this request's page is built to be kept (placeholders, noted audits)."""
        return getattr(request.state, _STATE_KEY, None) is not None

    def note_audit(
        self, request: Request, action: str, entity: str, entity_key: str, payload: dict[str, Any]
    ) -> None:
        noted = getattr(request.state, _STATE_AUDIT, None)
        if noted is not None:
            noted.append((action, entity, entity_key, dict(payload)))

    def personal(self, body: bytes, name: str, csrf: str) -> bytes:
        """``body`` with the reader's own name and CSRF token in place of the placeholders."""
        if self.name_mark.encode() in body or self.csrf_mark.encode() in body:
            body = body.replace(self.name_mark.encode(), str(escape(name)).encode()).replace(
                self.csrf_mark.encode(), str(escape(csrf)).encode()
            )
        return body

    def answer(self, hit: CachedBodyHitError) -> Response:
        """The stored response with the reader's own name and token put back."""
        body = self.personal(hit.entry.body, hit.name, hit.csrf)
        response = Response(body, status_code=hit.entry.status)
        response.raw_headers = [*hit.entry.headers, (b"content-length", str(len(body)).encode())]
        return response

    # -- the middleware's side ---------------------------------------------------------------
    def store(self, key: tuple[Any, ...], entry: CachedBody) -> None:
        size = len(entry.body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if self._version != key[0]:  # a new data version: nothing older is asked for
                self._entries.clear()
                self._bytes = 0
                self._version = key[0]
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)
            self.stored += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class BodyCacheMiddleware:
    """Stores the ``200`` answers of requests the gate marked and sends them with the reader's
    own name and token (plain ASGI; the answers of other requests pass through as they come)."""

    def __init__(self, app: ASGIApp, *, cache: BodyCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capturing_send(message: Message) -> None:
            nonlocal start
            state = scope.get("state") or {}
            if state.get(_STATE_KEY) is None or state.get(_STATE_HIT):
                await send(message)
                return
            # Built with the placeholders: held until complete, stored if it is a 200 that
            # sets no cookie, and sent with the reader's own name and token.
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(bytes(message.get("body", b"")))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = [(k.lower(), v) for k, v in start.get("headers", [])]
            if int(start["status"]) == 200 and not any(k == b"set-cookie" for k, _ in headers):
                self.cache.store(
                    state[_STATE_KEY],
                    CachedBody(
                        200,
                        tuple((k, v) for k, v in headers if k not in _NOT_STORED),
                        body,
                        tuple(state.get(_STATE_AUDIT) or ()),
                    ),
                )
            name, csrf = state.get(_STATE_READER) or ("", "")
            body = self.cache.personal(body, name, csrf)
            length = (b"content-length", str(len(body)).encode())
            await send(
                {**start, "headers": [*(h for h in headers if h[0] != b"content-length"), length]}
            )
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, capturing_send)
