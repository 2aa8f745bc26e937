"""Request bodies are limited while they stream: a chunked upload with no Content-Length is cut
off at the limit by a real Uvicorn server, without the server holding the body."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from access_fixtures import BASE_URL, load_small_register, make_app
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.web.gate import MAX_FORM_BYTES

CHUNK = 64 * 1024
LIMIT = 1024 * 1024


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('limit') / 'limit.db'}"
    platform = bootstrap(Settings(database_url=url, max_request_bytes=LIMIT), upgrade=True)
    load_small_register(platform)
    made, _ = make_app(platform)
    try:
        yield made
    finally:
        platform.close()


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def chunked_upload(port: int, path: str, total: int) -> tuple[int, int, dict[str, Any]]:
    """Send up to ``total`` bytes chunked; stop when the server answers or hangs up.

    Returns the status, the bytes sent before the answer came, and the JSON body.
    """
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )
        chunk = f"{CHUNK:x}\r\n".encode() + b"a" * CHUNK + b"\r\n"
        sock.setblocking(False)
        answer = b""
        while sent < total:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            except ConnectionError:
                break
            try:
                sock.sendall(chunk)
                sent += CHUNK
            except BlockingIOError:
                time.sleep(0.001)
            except ConnectionError:
                break
        sock.setblocking(True)
        while b"\r\n\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return status, sent, json.loads(body[:length]) if len(body) >= length else {}


def test_a_300_mb_chunked_upload_is_refused_at_the_limit_without_buffering(server: int) -> None:
    before = _rss_bytes()
    status, sent, body = chunked_upload(server, "/login", 300 * 1024 * 1024)
    grown = _rss_bytes() - before
    assert status == 413
    # The gate reads forms as they stream and stops at its own, smaller, form limit.
    assert body["error"]["code"] == "too_large"
    assert sent < 32 * 1024 * 1024  # stopped long before 300 MB (socket buffers aside)
    assert grown < 64 * 1024 * 1024


def test_a_chunked_upload_to_a_route_that_reads_no_form_stops_at_the_app_limit(
    app: FastAPI, server: int
) -> None:
    # POST to a page that takes no form: the route is refused before its body matters, and
    # the server still does not read 300 MB.
    status, sent, _ = chunked_upload(server, "/providers", 300 * 1024 * 1024)
    assert status in (403, 405, 413)
    assert sent < 32 * 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_before_reading(app: FastAPI) -> None:
    client = TestClient(app, base_url=BASE_URL)
    response = client.post(
        "/login",
        content=b"x" * (LIMIT + 1),
        headers={"accept": "application/json", "content-type": "text/plain"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == {
        "status": 413,
        "code": "too_large",
        "message": "the request body is larger than 1,048,576 bytes",
    }
    page = client.post("/login", content=b"x" * (LIMIT + 1))
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")


def test_the_app_stops_reading_a_stream_at_the_limit(app: FastAPI) -> None:
    """Straight through the ASGI interface: count what the app pulls from an endless body."""
    pulled = 0

    async def endless() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"a" * CHUNK, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"accept", b"application/json"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, endless, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert pulled <= MAX_FORM_BYTES // CHUNK + 1
