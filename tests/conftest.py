"""Shared fixtures: real databases (a SQLite file and a PostgreSQL server), built by migrations.

PostgreSQL: ``.ci/run`` starts a server and sets SPECIALMEASURES_TEST_POSTGRES_URL. Without it,
the fixture starts its own throw-away server from Debian's postgresql package (initdb into a
temporary folder, loopback only). With neither, PostgreSQL tests fail and say why; a developer
without PostgreSQL may set SPECIALMEASURES_SKIP_POSTGRES=1 to deselect them on purpose (CI never
does).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _OwnPostgres:
    """A PostgreSQL server in a temporary folder, started and stopped by the test session."""

    def __init__(self) -> None:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not candidates:
            raise RuntimeError(
                "no PostgreSQL server binaries (apt-get install postgresql) and "
                "SPECIALMEASURES_TEST_POSTGRES_URL is not set"
            )
        self.bin = Path(candidates[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="sm-pg-"))
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run([str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"])
        options = f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off"
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(self.dir / "log"),
                "start",
            ]
        )
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, args: list[str]) -> None:
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--", *args]
        subprocess.run(args, check=True, capture_output=True)

    def stop(self) -> None:
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"]
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database."""
    if os.environ.get("SPECIALMEASURES_SKIP_POSTGRES") == "1":
        pytest.skip("SPECIALMEASURES_SKIP_POSTGRES=1 was set by the developer")
    url = os.environ.get("SPECIALMEASURES_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    server = _OwnPostgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"sm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    """A platform over an empty database built by the migrations."""
    p = bootstrap(Settings(database_url=database_url), upgrade=True)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(autouse=True, scope="session")
def _audit_state_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Audit keys and checkpoints of PostgreSQL test databases go to a throw-away folder."""
    folder = tmp_path_factory.mktemp("state")
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_STATE_HOME", None)
        else:
            os.environ["XDG_STATE_HOME"] = before
