"""The index-jobs queue: jobs commit with their change, are claimed once, retried with backoff and
taken over when a worker's lease runs out (a crashed worker), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_metadata_hub.artifacts.schemas import ArtifactCreate
from kamld_metadata_hub.artifacts.service import ArtifactService
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.indexing.jobs import JobKind, JobQueue, enqueue
from kamld_metadata_hub.models import IndexJob


async def clear_jobs(database: Database) -> None:
    async with database.unit_of_work() as session:
        await session.execute(IndexJob.__table__.delete())


async def add_jobs(database: Database, count: int) -> None:
    async def work(session: AsyncSession) -> None:
        for n in range(count):
            enqueue(session, JobKind.ARTIFACT, n)

    await in_transaction(database, work)


async def job_count(database: Database) -> int:
    async with database.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(IndexJob)) or 0)


async def test_a_catalog_change_and_its_job_commit_or_roll_back_together(
    database: Database, unique: str
) -> None:
    await clear_jobs(database)
    service = ArtifactService(database)
    await service.create(ArtifactCreate(name=f"jobs-{unique}", kind="dataset"), "alice")
    assert await job_count(database) == 1
    with pytest.raises(Exception, match="already exists"):
        await service.create(ArtifactCreate(name=f"jobs-{unique}", kind="dataset"), "alice")
    assert await job_count(database) == 1


async def test_concurrent_claims_never_share_a_job(database: Database) -> None:
    await clear_jobs(database)
    await add_jobs(database, 40)
    queues = [JobQueue(database, lease_s=60) for _ in range(4)]
    claimed = await asyncio.gather(*(queue.claim(5) for queue in queues for _ in range(3)))
    ids = [job.id for batch in claimed for job in batch]
    assert len(ids) == len(set(ids)) == 40
    assert await queues[0].claim(5) == []  # all leased


async def test_a_lease_that_runs_out_gives_the_job_to_another_worker(database: Database) -> None:
    await clear_jobs(database)
    await add_jobs(database, 1)
    crashed = JobQueue(database, lease_s=0.2)
    [job] = await crashed.claim(10)
    assert await JobQueue(database).claim(10) == []
    await asyncio.sleep(0.3)
    [again] = await JobQueue(database).claim(10)
    assert again.id == job.id and again.attempts == 2


async def test_a_failed_job_waits_out_a_growing_backoff(database: Database) -> None:
    await clear_jobs(database)
    await add_jobs(database, 1)
    queue = JobQueue(database, backoff_s=0.2, max_backoff_s=10)
    [job] = await queue.claim(1)
    first = await queue.retry_later(job, "RuntimeError: engine down")
    assert 0.15 <= first <= 0.25
    assert await queue.claim(1) == []
    await asyncio.sleep(first + 0.05)
    [second_try] = await queue.claim(1)
    assert second_try.attempts == 2
    second = await queue.retry_later(second_try, "RuntimeError: engine down")
    assert second > first
    async with database.unit_of_work() as session:
        row = await session.get(IndexJob, job.id)
        assert row is not None and row.last_error == "RuntimeError: engine down"
        assert row.run_after > time.time()


async def test_finishing_removes_the_job_and_progress_keeps_the_cursor(database: Database) -> None:
    await clear_jobs(database)
    await add_jobs(database, 1)
    queue = JobQueue(database, lease_s=0.2)
    [job] = await queue.claim(1)
    async with database.unit_of_work() as session:
        await queue.progress(job, "train/0999.jpg", session)
    await asyncio.sleep(0.3)
    [resumed] = await queue.claim(1)
    assert resumed.cursor == "train/0999.jpg"
    await queue.finish(resumed)
    assert await job_count(database) == 0
