"""pytest fixtures shared by every KAML-D service's tests (installed as the ``kamld`` pytest plugin).

``database_url`` runs a test once on a new SQLite file and once on PostgreSQL (ids ``sqlite`` and
``postgresql``; the latter carries the ``postgres`` marker and is skipped, saying why, when no
PostgreSQL server can be had). ``postgres_url`` is a fresh PostgreSQL database per project
(each service migrates its own schema), made once per session and dropped at its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from kamld_testing.browser import chromium_unavailable_reason, running_chromium
from kamld_testing.postgres import PostgresUnavailable, fresh_postgres_database


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs the PostgreSQL server (KAMLD_TEST_POSTGRES_URL or 127.0.0.1:5432)"
    )
    config.addinivalue_line("markers", "browser: drives headless Chromium (kamld_testing.browser)")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium (a Playwright ``Browser``) per test module; skipped, saying why, without one."""
    reason = chromium_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with running_chromium() as browser:
        yield browser


class PostgresDatabases:
    """Fresh databases by name, each created on first use and all dropped by :meth:`close`."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._urls: dict[str, str] = {}

    def url(self, name: str) -> str:
        """The asyncpg URL of database ``name``; raises ``PostgresUnavailable`` without a server."""
        if name not in self._urls:
            self._urls[name] = self._stack.enter_context(fresh_postgres_database())
        return self._urls[name]

    def close(self) -> None:
        self._stack.close()


def project_of(path: Path) -> Path:
    """The project (the nearest directory with a ``pyproject.toml``) a test file belongs to."""
    for directory in path.parents:
        if (directory / "pyproject.toml").is_file():
            return directory
    return path.parent


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.close()


@pytest.fixture(scope="module")
def postgres_url(request: pytest.FixtureRequest, postgres_databases: PostgresDatabases) -> str:
    """The session's fresh PostgreSQL database of this test's project (asyncpg URL)."""
    try:
        return postgres_databases.url(str(project_of(request.path)))
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The service's database: a new SQLite file per test, or the project's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'service.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
