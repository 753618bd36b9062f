"""Holds on garbage collection (what a backup takes): GC deletes nothing while one is held.

A real database (SQLite, and PostgreSQL where one answers) and a real local object store; the
catalog references nothing, so every object is an orphan GC would delete.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kamld_common.db import Database
from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.app import MIGRATIONS
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.gc import service as gc_service
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.gc.holds import GcHeld, count_holds, refuse_if_held, release_hold, take_hold
from kamld_storage_gateway.gc.service import GarbageCollector
from kamld_storage_gateway.manifests.repository import ManifestRepository
from kamld_storage_gateway.objectstore import LocalObjectStore, ObjectInfo


class EmptyCatalog:
    """A catalog with no versions: nothing is referenced."""

    async def iter_digests(self) -> AsyncIterator[str]:
        for digest in ():
            yield digest


class HoldingStore(LocalObjectStore):
    """A local store that, once listing has passed ``after`` objects, has a backup take a hold."""

    def __init__(self, root: Path, database: Database, after: int) -> None:
        super().__init__(root)
        self.database = database
        self.after = after
        self.hold: str | None = None

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        listed = 0
        async for info in super().list(prefix):
            if listed == self.after and self.hold is None:
                self.hold = await take_hold(self.database, "backup under test")
            listed += 1
            yield info


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'gc.sqlite3'}"
        db = Database(url, MIGRATIONS)
        await db.migrate()
        yield db
        await db.dispose()
        return
    from kamld_testing.postgres import async_fresh_postgres_database, postgres_unavailable_reason

    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL is not available: {reason}")
    async with async_fresh_postgres_database() as url:
        db = Database(url, MIGRATIONS)
        await db.migrate()
        yield db
        await db.dispose()


async def orphans(store: LocalObjectStore, count: int) -> list[str]:
    keys = []
    for index in range(count):
        data = f"orphan {index}".encode()
        key = object_key(digest_bytes(data))
        await store.put_if_absent(key, data)
        keys.append(key)
    return keys


def collector(database: Database, store: LocalObjectStore) -> GarbageCollector:
    chunks = ChunkStore(store)
    return GarbageCollector(
        WriteGuard(database),
        store,
        chunks,
        ManifestRepository(store),
        EmptyCatalog(),
        lambda: datetime.now(UTC),
    )


async def test_gc_refuses_while_held_and_runs_once_released(database: Database, tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    keys = await orphans(store, 3)
    hold = await take_hold(database, "backup under test")
    gc = collector(database, store)
    with pytest.raises(GcHeld) as refused:
        await gc.run(dry_run=False, grace_s=0)
    assert refused.value.code == "gc_held" and refused.value.status == 409
    assert "backup under test" in str(refused.value)
    assert await store.exists_many(keys) == set(keys)
    dry = await gc.run(dry_run=True, grace_s=0)  # counting deletes nothing, and is allowed
    assert dry.objects == 3
    await release_hold(database, hold)
    assert (await gc.run(dry_run=False, grace_s=0)).objects == 3
    assert await store.exists_many(keys) == set()


async def test_an_expired_hold_no_longer_holds(database: Database, tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    await orphans(store, 1)
    await take_hold(database, "a backup that died", ttl_s=0.001)
    assert await count_holds(database) == 0
    gc = collector(database, store)
    assert (await gc.run(dry_run=False, grace_s=0)).objects == 1


async def test_a_running_collection_stops_at_the_next_batch_once_held(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc_service, "SWEEP_BATCH", 2)
    store = HoldingStore(tmp_path / "objects", database, after=3)
    keys = await orphans(store, 6)
    gc = collector(database, store)
    with pytest.raises(GcHeld):
        await gc.run(dry_run=False, grace_s=0)
    assert store.hold is not None
    # The first batch (two objects) was deleted before the hold; nothing after it.
    assert len(await store.exists_many(keys)) == 4
    await release_hold(database, store.hold)
    assert (await gc.run(dry_run=False, grace_s=0)).objects == 4


async def test_taking_a_hold_waits_for_a_deletion_batch_in_flight(database: Database) -> None:
    """A batch checks for holds under the exclusive guard; a backup taking one waits until it ends."""
    other = Database(database.url)  # the backup's own connection, as from another process
    try:
        async with WriteGuard(database).sweeping() as session:
            await refuse_if_held(session)  # what a deletion batch does first
            taking = asyncio.create_task(take_hold(other, "backup under test"))
            await asyncio.sleep(0.5)
            assert not taking.done()
        hold = await asyncio.wait_for(taking, 30)
        assert await count_holds(database) == 1
        await release_hold(other, hold)
    finally:
        await other.dispose()
