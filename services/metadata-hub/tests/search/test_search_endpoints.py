"""``/search`` on a metadata-hub whose indexing workers run in-process: catalog changes become
searchable without anyone waiting for them, bad queries are 422s, and a search engine whose
database is cut answers 503 while pushes go on, catching up once it is back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from kamld_metadata_hub.app import create_app
from kamld_metadata_hub.config import Settings
from kamld_testing.asgi import asgi_client
from kamld_testing.postgres import async_fresh_postgres_database

from ..conftest import CALLER, new_digest


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("not indexed in time")
        await asyncio.sleep(0.05)


def settings(database_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        log_level="warning",
        index_poll_s=0.05,
        index_backoff_s=0.1,
        index_max_backoff_s=0.5,
        storage_gateway_url="http://127.0.0.1:9",  # manifests are not read in these tests
        **extra,
    )


@pytest.fixture
async def hub(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings(database_url, tmp_path))
    async with asgi_client(
        app, "http://metadata-hub", raise_app_exceptions=False, headers={"X-Kamld-Caller": CALLER}
    ) as http:
        yield http


async def found(client: httpx.AsyncClient, q: str, **params: object) -> list[str]:
    response = await client.get("/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [hit["ref"] for hit in response.json()["items"]]


async def test_changes_become_searchable_with_highlights_and_facets(
    hub: httpx.AsyncClient, unique: str
) -> None:
    name = f"walruses-{unique}"
    created = await hub.post(
        "/artifacts",
        json={
            "name": name,
            "kind": "dataset",
            "description": "tusked mammals",
            "labels": {"team": f"zoo{unique}"},
        },
    )
    assert created.status_code == 201, created.text
    pushed = await hub.post(
        f"/artifacts/{name}/versions",
        json={
            "digest": new_digest(),
            "file_count": 1,
            "total_bytes": 1,
            "message": "arctic survey",
            "metadata": {"camera": "nikon"},
        },
    )
    assert pushed.status_code == 201

    async def indexed() -> bool:
        return f"{name}:v1" in await found(hub, "arctic")

    await eventually(indexed)
    page = (await hub.get("/search", params={"q": "tusked", "label": f"team=zoo{unique}"})).json()
    assert [hit["ref"] for hit in page["items"]] == [name]
    [highlight] = [h for h in page["items"][0]["highlights"] if h["field"] == "body"]
    start, end = highlight["spans"][0]
    assert highlight["text"][start:end] == "tusked"
    assert page["facets"]["kind"] == {"dataset": 1}
    assert page["facets"]["label"] == [{"key": "team", "value": f"zoo{unique}", "count": 1}]
    assert page["engine"] in ("sqlite", "postgresql")
    assert await found(hub, "nikon", type="version") == [f"{name}:v1"]
    assert await found(hub, "nikon", type="artifact") == []

    moved = await hub.put(f"/artifacts/{name}/aliases/production", json={"version": "v1"})
    assert moved.status_code in (200, 201), moved.text

    async def alias_indexed() -> bool:
        return f"{name}:v1" in await found(hub, "production", label=f"team=zoo{unique}")

    await eventually(alias_indexed)
    await hub.patch(f"/artifacts/{name}", json={"description": "pinnipeds"})

    async def edit_indexed() -> bool:
        return await found(hub, "pinnipeds") == [name]

    await eventually(edit_indexed)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": '"open'}, ["query", "q"]),
        ({"q": "a OR"}, ["query", "q"]),
        ({"q": ""}, ["query", "q"]),
        ({"q": "x", "type": "table"}, ["query", "type", 0]),
        ({"q": "x", "after": "zz"}, ["query", "after"]),
        ({"q": "x", "label": "=v"}, ["query", "label"]),
    ],
)
async def test_malformed_searches_are_422_naming_the_field(
    hub: httpx.AsyncClient, params: dict, field: list
) -> None:
    response = await hub.get("/search", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert field in [error["loc"] for error in body.get("errors", [])] or body.get("field") == field, body


@pytest.mark.postgres
async def test_a_cut_search_database_is_503_while_pushes_go_on_and_indexing_catches_up(
    postgres_url: str, tmp_path: Path, unique: str
) -> None:
    async with async_fresh_postgres_database() as search_url:
        app = create_app(settings(postgres_url, tmp_path, search_database_url=search_url))
        server = urlsplit(search_url)._replace(scheme="postgresql", path="/postgres").geturl()
        search_db = urlsplit(search_url).path.lstrip("/")
        async with asgi_client(app, "http://metadata-hub", raise_app_exceptions=False) as hub:
            admin = await asyncpg.connect(server)
            try:
                await admin.execute(f'ALTER DATABASE "{search_db}" ALLOW_CONNECTIONS false')
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", search_db
                )
                down = await hub.get("/search", params={"q": "narwhals"})
                assert down.status_code == 503, down.text
                assert down.json()["code"] == "search_unavailable"
                assert "postgresql search engine is unavailable" in down.json()["detail"]

                name = f"narwhals-{unique}"
                started = time.monotonic()
                pushed = await hub.post(
                    f"/artifacts/{name}/versions",
                    json={"digest": new_digest(), "file_count": 1, "total_bytes": 1, "kind": "dataset"},
                )
                assert pushed.status_code == 201
                assert time.monotonic() - started < 5
                await asyncio.sleep(0.5)  # workers fail and back off meanwhile
            finally:
                await admin.execute(f'ALTER DATABASE "{search_db}" ALLOW_CONNECTIONS true')
                await admin.close()

            async def caught_up() -> bool:
                response = await hub.get("/search", params={"q": "narwhals"})
                return response.status_code == 200 and name in [h["ref"] for h in response.json()["items"]]

            await eventually(caught_up)
