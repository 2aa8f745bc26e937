"""A cheap HTTP/1.1 load generator for the web benchmarks, and CPU accounting of both sides.

The benchmarks run the server and the load generator on the same small machine, so what the
client spends is taken from the server. An ``httpx`` client spent several milliseconds of CPU
per request (its connection pool, header models, the event loop's bookkeeping), comparable to
the server's own cost for a page answered from cache. This one keeps one keep-alive connection
per simulated user over raw ``asyncio`` streams, writes a fixed request and reads the status
line, the headers it needs (``Content-Length``, ``Transfer-Encoding``) and the body: a few tens
of microseconds per request in Python.

CPU accounting: :func:`process_tree_cpu` sums user and system CPU seconds of a process and all
its descendants from ``/proc`` (Linux), so a server with several workers is counted whole; the
client's own share is ``resource.getrusage`` of this process.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

__all__ = ["Connection", "LoadResult", "client_cpu", "fetch", "process_tree_cpu", "run_users"]

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class HttpError(Exception):
    """A connection closed or a response the minimal parser does not understand."""


@dataclass
class LoadResult:
    """Per path: seconds each successful request took, and how many failed."""

    timings: dict[str, list[float]]
    errors: dict[str, int]
    elapsed: float
    statuses: dict[int, int] = field(default_factory=dict)


class Connection:
    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host = host
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, bytes]:
        """GET ``path`` over the kept-alive connection (opened again if the server closed it)."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None
            assert self.writer is not None
            target = quote(path, safe="/?=&:%+,;@!$'()*-._~")  # spaces and the like, as httpx
            request = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.extra}\r\n"
            try:
                self.writer.write(request.encode("latin-1"))
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError, HttpError):
                self.close()
                if attempt == 2:
                    raise
        raise HttpError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"bad status line {lines[0]!r}")
        status = int(parts[1])
        length = -1
        chunked = False
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            body = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                body += await self.reader.readexactly(size + 2)
                del body[-2:]
            data = bytes(body)
        elif length >= 0:
            data = await self.reader.readexactly(length)
        else:
            raise HttpError("a response without a length")
        if close:
            self.close()
        return status, data


async def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET (a connection of its own)."""
    host, port = _host_port(base)
    conn = Connection(host, port, headers or {})
    try:
        return await conn.get(path)
    finally:
        conn.close()


def _host_port(base: str) -> tuple[str, int]:
    rest = base.split("://", 1)[-1].rstrip("/")
    host, _, port = rest.partition(":")
    return host, int(port or 80)


async def _user(
    conn: Connection,
    paths: Sequence[str],
    stop: float,
    seed: int,
    result: LoadResult,
    think: Callable[[random.Random], float] | None,
) -> None:
    rng = random.Random(seed)
    if think is not None:  # people arrive over the first reading time, not all at once
        await asyncio.sleep(think(rng) * rng.random())
    while time.perf_counter() < stop:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            status, _ = await conn.get(path)
        except (OSError, asyncio.IncompleteReadError, HttpError):
            status = 0
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status == 200:
            result.timings[path].append(time.perf_counter() - started)
        else:
            result.errors[path] += 1
        if think is not None:
            await asyncio.sleep(think(rng))
    conn.close()


async def _run(
    base: str,
    paths: Sequence[str],
    seconds: float,
    users: int,
    cookies: Sequence[str],
    think: Callable[[random.Random], float] | None,
) -> LoadResult:
    host, port = _host_port(base)
    result = LoadResult({p: [] for p in paths}, dict.fromkeys(paths, 0), 0.0)
    conns = [
        Connection(host, port, {"Cookie": cookies[i % len(cookies)]} if cookies else {})
        for i in range(users)
    ]
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *(_user(c, list(paths), stop, i, result, think) for i, c in enumerate(conns))
    )
    result.elapsed = time.perf_counter() - started
    return result


def run_users(
    base: str,
    paths: Sequence[str],
    seconds: float,
    *,
    users: int = 50,
    cookies: Sequence[str] = (),
    think: Callable[[random.Random], float] | None = None,
) -> LoadResult:
    """``users`` closed-loop users, each on its own keep-alive connection, requesting random
    ``paths`` for ``seconds`` (user ``i`` sends ``cookies[i % len(cookies)]``); ``think`` gives
    each pause between a response and the next request (None: no pause, the stress case)."""
    return asyncio.run(_run(base, paths, seconds, users, cookies, think))


def client_cpu() -> float:
    """CPU seconds (user + system) this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process, from /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def process_tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and every live descendant (Linux /proc)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                stats[int(entry.name)] = found
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(stats[p][1] for p in tree if p in stats)
