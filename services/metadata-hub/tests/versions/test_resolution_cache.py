"""The resolution cache answers repeated resolutions from memory and never serves a stale view:
every write advances the artifact's generation, which each cached answer is checked against."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamld_common.db import Database
from kamld_metadata_hub.app import MIGRATIONS, create_app
from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.versions.cache import LOOKUPS
from kamld_metadata_hub.versions.stamps import EngineStampReader, InlineSqliteStampReader, Stamp
from kamld_testing.asgi import asgi_client


def hits() -> float:
    return LOOKUPS.labels("hit")._value.get()


async def test_a_repeated_resolution_is_a_cache_hit(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    first = await client.get(f"/artifacts/{name}/versions/latest")
    before = hits()
    second = await client.get(f"/artifacts/{name}/versions/latest")
    assert hits() == before + 1
    assert second.json() == first.json()
    assert second.headers["content-type"] == "application/json"


async def test_a_push_changes_what_latest_and_older_versions_resolve_to(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    assert (await client.get(f"/artifacts/{name}/versions/latest")).json()["number"] == 1
    assert (await client.get(f"/artifacts/{name}/versions/v1")).json()["aliases"] == ["latest"]
    await push(name)
    assert (await client.get(f"/artifacts/{name}/versions/latest")).json()["number"] == 2
    assert (await client.get(f"/artifacts/{name}/versions/v1")).json()["aliases"] == []


async def test_alias_moves_and_deletes_are_seen_at_once(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    await push(name)
    assert (await client.put(f"/artifacts/{name}/aliases/prod", json={"version": "v1"})).status_code == 200
    assert (await client.get(f"/artifacts/{name}/versions/prod")).json()["number"] == 1
    assert (await client.put(f"/artifacts/{name}/aliases/prod", json={"version": "v2"})).status_code == 200
    assert (await client.get(f"/artifacts/{name}/versions/prod")).json()["number"] == 2
    assert (await client.delete(f"/artifacts/{name}/aliases/prod")).status_code == 204
    assert (await client.get(f"/artifacts/{name}/versions/prod")).status_code == 404


async def test_a_write_through_one_replica_is_seen_by_the_other_at_once(
    database_url, push, unique, tmp_path: Path
):
    """Two metadata-hub processes on one database: B's cached answer is checked against the
    generation A's write advanced, so B never serves the version it cached before the write."""
    name = f"faces-{unique}"
    settings = Settings(database_url=database_url, data_dir=tmp_path, log_level="warning")
    headers = {"X-Kamld-Caller": "alice"}
    async with (
        asgi_client(create_app(settings), "http://replica-a", headers=headers) as a,
        asgi_client(create_app(settings), "http://replica-b", headers=headers) as b,
    ):
        await push(name)
        for _ in range(2):
            assert (await b.get(f"/artifacts/{name}/versions/latest")).json()["number"] == 1
        body = {"digest": "blake3:" + "ab" * 32, "file_count": 1, "total_bytes": 1}
        assert (await a.post(f"/artifacts/{name}/versions", json=body)).status_code == 201
        assert (await b.get(f"/artifacts/{name}/versions/latest")).json()["number"] == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_inline_sqlite_reader_matches_the_engine_and_falls_back(database_url, push, unique):
    name = f"faces-{unique}"
    await push(name)
    database = Database(database_url, MIGRATIONS)
    engine_reader = EngineStampReader(database)
    inline = InlineSqliteStampReader(database_url.split("///", 1)[1], engine_reader)
    try:
        stamp = await engine_reader.read(name)
        assert isinstance(stamp, Stamp)
        assert await inline.read(name) == stamp
        assert await inline.read(f"missing-{unique}") is None
        broken = InlineSqliteStampReader(
            str(Path(database_url.split("///", 1)[1]).parent / "no.db"), engine_reader
        )
        assert await broken.read(name) == stamp
    finally:
        inline.close()
        await database.dispose()
