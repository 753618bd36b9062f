"""Fixtures of metadata-hub's tests: the app on a real SQLite file or a real PostgreSQL database.

``database_url`` and ``postgres_url`` come from the ``kamld`` pytest plugin (kamld_testing.fixtures).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from kamld_common.db import Database
from kamld_metadata_hub.app import MIGRATIONS, create_app
from kamld_metadata_hub.config import Settings
from kamld_testing.asgi import asgi_client

CALLER = "alice"


def new_digest() -> str:
    return "blake3:" + secrets.token_hex(32)


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
    async with asgi_client(
        app, "http://metadata-hub", raise_app_exceptions=False, headers={"X-Kamld-Caller": CALLER}
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
