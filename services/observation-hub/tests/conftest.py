"""observation-hub runs in-process against a real database: SQLite, and PostgreSQL when it answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from kamld_observation_hub.app import create_app
from kamld_observation_hub.config import Settings
from kamld_testing.postgres import PostgresUnavailable, fresh_postgres_database

ClientFactory = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One fresh PostgreSQL database for this test session, dropped afterwards."""
    try:
        with fresh_postgres_database() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'observation-hub.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", log_level="warning")


@pytest.fixture
def start_app(settings: Settings) -> ClientFactory:
    """Start the app (migrations included) and hand out a client; each call is a fresh process-like start."""

    @asynccontextmanager
    async def started() -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://observation-hub") as client:
                yield client

    return started


@pytest.fixture
async def client(start_app: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with start_app() as client:
        yield client
