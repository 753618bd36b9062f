"""trainer runs in-process against a real database: SQLite, and PostgreSQL when it answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest

from kamld_testing.asgi import asgi_client
from kamld_trainer.app import create_app
from kamld_trainer.config import Settings

ClientFactory = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """On each database of ``database_url`` (the ``kamld`` pytest plugin): SQLite, then PostgreSQL.

    The executor is off: these tests are about what is recorded; runs execute in ``tests/integration``.
    The outbox relay delivers nowhere (the discard port refuses), so recorded events stay in the outbox.
    """
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        log_level="warning",
        executor=False,
        observation_hub_url="http://127.0.0.1:9",
    )


@pytest.fixture
def start_app(settings: Settings) -> ClientFactory:
    """Start the app (migrations included) and hand out a client; each call is a fresh process-like start."""
    return lambda: asgi_client(create_app(settings), "http://trainer")


@pytest.fixture
async def client(start_app: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with start_app() as client:
        yield client
