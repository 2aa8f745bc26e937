"""A throw-away PostgreSQL server for the benchmarks, started the way the tests' fixture starts
one (``tests/conftest.py``): Debian's server binaries, ``initdb`` into a temporary folder,
loopback only, trust authentication, no fsync. ``SM_BENCH_POSTGRES_URL`` names an existing server
instead. Without either, :func:`postgres` says why and the caller skips the PostgreSQL part out
loud."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PostgresUnavailableError", "postgres"]


class PostgresUnavailableError(RuntimeError):
    """No server to benchmark on (the message says why)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str]:
    """The URL of a PostgreSQL database for one benchmark run, removed afterwards."""
    given = os.environ.get("SM_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresUnavailableError(
            "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"
            " and SM_BENCH_POSTGRES_URL is not set"
        )
    binaries = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="sm-bench-pg-"))
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")

    def run(*args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if as_postgres else list(args)
        subprocess.run(command, check=True, capture_output=True)

    data, port = folder / "data", _free_port()
    run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-k {folder} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
    options += " -c max_connections=200"  # several workers, each with its pool
    run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
        str(folder / "log"), "start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
