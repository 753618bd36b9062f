"""Fixtures of metadata-hub's tests: the app on a real SQLite file or a real PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from kamld_common.db import Database
from kamld_metadata_hub.app import MIGRATIONS, create_app
from kamld_metadata_hub.config import Settings
from kamld_testing.postgres import PostgresUnavailable, fresh_postgres_database

CALLER = "alice"


def new_digest() -> str:
    return "blake3:" + secrets.token_hex(32)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One fresh PostgreSQL database for this test session, dropped afterwards."""
    try:
        with fresh_postgres_database() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The catalog database: a new SQLite file per test, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'catalog.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def unique() -> str:
    """A suffix that keeps artifact names of one test apart from other tests on a shared database."""
    return secrets.token_hex(4)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated catalog database for domain tests that bypass HTTP."""
    db = Database(database_url, MIGRATIONS)
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for an in-process metadata-hub, its lifespan (migrations) run."""
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path, log_level="warning"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://metadata-hub", headers={"X-Kamld-Caller": CALLER}
        ) as http:
            yield http


@pytest.fixture
def digest() -> str:
    return new_digest()


@pytest.fixture
def make_digest():
    """A factory of distinct well-formed digests."""
    return new_digest


@pytest.fixture
def push(client: httpx.AsyncClient):
    """Push a version over HTTP (creating a dataset artifact on first push) and return its JSON."""

    async def push_version(name: str, *, expect: int = 201, **body: object) -> dict:
        body.setdefault("digest", new_digest())
        body.setdefault("file_count", 1)
        body.setdefault("total_bytes", 10)
        body.setdefault("kind", "dataset")
        response = await client.post(f"/artifacts/{name}/versions", json=body)
        assert response.status_code == expect, response.text
        return response.json()

    return push_version
