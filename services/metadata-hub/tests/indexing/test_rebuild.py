"""A rebuild's job stays queued until every version is indexed again, so the backlog says when a
rebuild is over (and a worker that dies mid-way leaves the job to be taken over)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from kamld_common.db import Database
from kamld_metadata_hub.artifacts.schemas import ArtifactCreate
from kamld_metadata_hub.artifacts.service import ArtifactService
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.indexing.jobs import JobKind, JobQueue, enqueue
from kamld_metadata_hub.indexing.worker import Indexer
from kamld_metadata_hub.models import IndexJob, Version, VersionFile
from kamld_metadata_hub.search.sql import SqliteSearchIndex
from kamld_metadata_hub.versions.schemas import VersionCreate
from kamld_metadata_hub.versions.service import VersionService

from ..conftest import new_digest


class WatchedIndex(SqliteSearchIndex):
    """The real SQLite engine, noting after each write whether the rebuild job is still queued."""

    def __init__(self, url: str, database: Database) -> None:
        super().__init__(url)
        self.database = database
        self.rebuild_queued: list[bool] = []

    async def upsert(self, documents: list[Any]) -> None:
        await super().upsert(documents)
        async with self.database.unit_of_work() as session:
            found = await session.scalar(select(IndexJob.id).where(IndexJob.kind == JobKind.REBUILD.value))
        self.rebuild_queued.append(found is not None)


async def test_the_rebuild_job_is_queued_until_the_last_version_is_indexed(
    database: Database, unique: str, tmp_path: Path
) -> None:
    async with database.unit_of_work() as session:
        await session.execute(IndexJob.__table__.delete())
    names = [f"rebuild-{unique}-{n}" for n in range(3)]
    for name in names:
        await ArtifactService(database).create(ArtifactCreate(name=name, kind="dataset"), "alice")
        await VersionService(database).create(
            name, VersionCreate(digest=new_digest(), file_count=1, total_bytes=1), "alice"
        )

    async def add_files_and_rebuild(session: Any) -> None:
        versions = await session.scalars(select(Version.id))
        for version_id in versions:
            session.add(VersionFile(version_id=version_id, path="a.csv", digest=new_digest(), size=1))
        await session.execute(IndexJob.__table__.delete())
        enqueue(session, JobKind.REBUILD, 0)

    await in_transaction(database, add_files_and_rebuild)
    queue = JobQueue(database, lease_s=60)
    engine = WatchedIndex(f"sqlite+aiosqlite:///{tmp_path / 'search.sqlite3'}", database)
    await engine.start()
    indexer = Indexer(database, queue, engine, manifests=None, profiler=None)  # type: ignore[arg-type]
    [job] = await queue.claim(1)
    await indexer.run(job)
    await engine.close()

    assert len(engine.rebuild_queued) > len(names) * 2
    assert all(engine.rebuild_queued), "the rebuild job left the queue before the rebuild ended"
    assert await queue.backlog() == {}
