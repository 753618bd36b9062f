"""A fresh PostgreSQL database per test session, on a real server.

The server is, in order: the one ``KAMLD_TEST_POSTGRES_URL`` names, the one answering at
127.0.0.1:5432 (user ``postgres``, trust auth), or a throw-away one started from the installed
PostgreSQL binaries in a temporary directory (as user ``postgres`` when running as root, since
``initdb`` refuses root). When none of these is possible, :class:`PostgresUnavailable` says why,
so a test can skip with that reason.

    with fresh_postgres_database() as url:   # postgresql+asyncpg://postgres@127.0.0.1:5432/kamld_test_ab12…
        ...
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from kamld_testing.processes import free_ports

ENV_URL = "KAMLD_TEST_POSTGRES_URL"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE_PREFIX = "kamld_test_"

T = TypeVar("T")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server answers and none could be started; the message says why."""


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop, whether or not the caller is inside one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _plain(url: str) -> str:
    """``postgresql+asyncpg://…`` → ``postgresql://…`` (what asyncpg itself accepts)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _with_database(server_url: str, database: str, driver: str = "postgresql+asyncpg") -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(scheme=driver, path=f"/{database}"))


async def _answers(server_url: str, connect_timeout: float) -> str | None:
    try:
        connection = await asyncpg.connect(
            _with_database(server_url, "postgres", "postgresql"), timeout=connect_timeout
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


def server_answers(server_url: str = DEFAULT_SERVER, timeout: float = 3.0) -> bool:
    """Whether a PostgreSQL server accepts a connection to its ``postgres`` database."""
    return _run(_answers(_plain(server_url), timeout)) is None


class _ThrowAwayServer:
    """A PostgreSQL cluster in a temporary directory, stopped and removed at interpreter exit."""

    def __init__(self) -> None:
        self.directory: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.url: str | None = None

    @staticmethod
    def _binaries() -> Path:
        initdb = shutil.which("initdb")
        if initdb:
            return Path(os.path.realpath(initdb)).parent
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
        if not candidates:
            raise PostgresUnavailable("no PostgreSQL server answers and no initdb binary is installed")
        return Path(candidates[0]).parent

    def start(self) -> str:
        binaries = self._binaries()
        demote = None
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable(
                    "running as root and there is no 'postgres' user to run initdb"
                ) from exc

            def demote() -> None:
                os.setgid(owner.pw_gid)
                os.setuid(owner.pw_uid)

        self.directory = Path(tempfile.mkdtemp(prefix="kamld-pg-"))
        data = self.directory / "data"
        if owner is not None:
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        atexit.register(self.stop)
        environment = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        initialised = subprocess.run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ],
            preexec_fn=demote,
            capture_output=True,
            env=environment,
            cwd=self.directory,
            check=False,
        )
        if initialised.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {initialised.stderr.decode(errors='replace')[-500:]}")
        (port,) = free_ports(1)
        self.process = subprocess.Popen(
            [
                str(binaries / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.directory),
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "max_connections=200",
            ],
            preexec_fn=demote,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=self.directory,
        )
        url = f"postgresql://postgres@127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        reason: str | None = "not started"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = (
                    self.process.stderr.read().decode(errors="replace")[-500:] if self.process.stderr else ""
                )
                raise PostgresUnavailable(f"the throw-away PostgreSQL server exited: {error}")
            reason = _run(_answers(url, 1.0))
            if reason is None:
                self.url = url
                return url
            time.sleep(0.2)
        self.stop()
        raise PostgresUnavailable(f"the throw-away PostgreSQL server did not answer within 30 s: {reason}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


_lock = threading.Lock()
_server_url: str | None = None
_unavailable: str | None = None
_throw_away = _ThrowAwayServer()


def postgres_server_url() -> str:
    """The URL (``postgresql://user@host:port``, no database) of a server tests may use.

    Raises :class:`PostgresUnavailable` with the reason when there is none. The answer is
    remembered for the whole process, so a throw-away server is started at most once.
    """
    global _server_url, _unavailable
    with _lock:
        if _server_url:
            return _server_url
        if _unavailable:
            raise PostgresUnavailable(_unavailable)
        configured = os.environ.get(ENV_URL)
        if configured:
            reason = _run(_answers(_plain(configured), 3.0))
            if reason is None:
                _server_url = _plain(configured).rstrip("/")
                return _server_url
            _unavailable = f"{ENV_URL}={configured} does not answer: {reason}"
            raise PostgresUnavailable(_unavailable)
        if _run(_answers(DEFAULT_SERVER, 3.0)) is None:
            _server_url = DEFAULT_SERVER
            return _server_url
        try:
            _server_url = _throw_away.start()
        except (PostgresUnavailable, OSError) as exc:
            _unavailable = f"no PostgreSQL server at 127.0.0.1:5432 and none could be started: {exc}"
            raise PostgresUnavailable(_unavailable) from exc
        return _server_url


def postgres_unavailable_reason() -> str | None:
    """``None`` when a server is usable, else why not (for ``pytest.skip``)."""
    try:
        postgres_server_url()
    except PostgresUnavailable as exc:
        return str(exc)
    return None


async def _execute(server_url: str, statement: str) -> None:
    """Run one statement in the server's ``postgres`` database (CREATE/DROP DATABASE need no other)."""
    connection = await asyncpg.connect(_with_database(server_url, "postgres", "postgresql"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _create(server_url: str, name: str) -> None:
    await _execute(server_url, f'CREATE DATABASE "{name}"')


async def _drop(server_url: str, name: str) -> None:
    await _execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _new_name() -> str:
    return DATABASE_PREFIX + secrets.token_hex(6)


@contextmanager
def fresh_postgres_database(server_url: str | None = None) -> Iterator[str]:
    """Create an empty database with a random name, yield its SQLAlchemy asyncpg URL, drop it after."""
    server = _plain(server_url) if server_url else postgres_server_url()
    name = _new_name()
    _run(_create(server, name))
    try:
        yield _with_database(server, name)
    finally:
        _run(_drop(server, name))


@asynccontextmanager
async def async_fresh_postgres_database(server_url: str | None = None) -> AsyncIterator[str]:
    """The same as :func:`fresh_postgres_database`, for async fixtures."""
    server = _plain(server_url) if server_url else await asyncio.to_thread(postgres_server_url)
    name = _new_name()
    await _create(server, name)
    try:
        yield _with_database(server, name)
    finally:
        await _drop(server, name)
