"""The index-jobs queue: jobs enqueued in the catalog's own transactions, claimed under a lease.

A job is added on the session of the change it indexes, so it commits or rolls back with that
change and no change goes unindexed. Workers claim jobs by setting a lease: on PostgreSQL the
claim skips rows another replica is claiming (``FOR UPDATE SKIP LOCKED``); SQLite serialises
writers, so its single ``UPDATE ... RETURNING`` claim is exclusive by itself. A worker that dies
leaves its jobs' leases to run out, and then another takes them: at-least-once, so every
handler is an idempotent upsert.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.models import IndexJob, utcnow


class JobKind(StrEnum):
    ARTIFACT = "artifact"
    """Index an artifact's document (name, kind, description, labels)."""
    MANIFEST = "manifest"
    """Copy a version's file list from storage-gateway into ``version_files``."""
    VERSION = "version"
    """Index a version's document and every one of its files."""
    VERSION_DOC = "version_doc"
    """Index a version's document alone (its aliases moved)."""
    PROFILE = "profile"
    """Profile a version's tables and images (and index the tables' columns)."""
    REBUILD = "rebuild"
    """Rebuild the search engine from the catalog."""


MAX_ERROR_LENGTH = 2000


def enqueue(session: AsyncSession, kind: JobKind, target_id: int) -> None:
    """Add a job on ``session``: it commits with the caller's change, or not at all."""
    session.add(
        IndexJob(kind=kind.value, target_id=target_id, attempts=0, run_after=time.time(), created_at=utcnow())
    )


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: JobKind
    target_id: int
    cursor: str | None
    attempts: int


class JobQueue:
    """Claim, renew, finish and retry jobs; every call is its own short transaction."""

    def __init__(
        self,
        database: Database,
        *,
        lease_s: float = 60.0,
        backoff_s: float = 1.0,
        max_backoff_s: float = 300.0,
    ) -> None:
        self.database = database
        self.lease_s = lease_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s

    async def claim(self, limit: int) -> list[ClaimedJob]:
        """Up to ``limit`` due jobs no live worker holds, oldest first, leased to the caller."""

        async def work(session: AsyncSession) -> list[ClaimedJob]:
            now = time.time()
            due = (
                select(IndexJob.id)
                .where(IndexJob.run_after <= now)
                .where((IndexJob.lease_until.is_(None)) | (IndexJob.lease_until < now))
                .order_by(IndexJob.id)
                .limit(limit)
            )
            if not self.database.is_sqlite:
                due = due.with_for_update(skip_locked=True)
            rows = await session.execute(
                update(IndexJob)
                .where(IndexJob.id.in_(due.scalar_subquery()))
                .values(lease_until=now + self.lease_s, attempts=IndexJob.attempts + 1)
                .returning(IndexJob.id, IndexJob.kind, IndexJob.target_id, IndexJob.cursor, IndexJob.attempts)
            )
            jobs = [ClaimedJob(row[0], JobKind(row[1]), row[2], row[3], row[4]) for row in rows]
            return sorted(jobs, key=lambda job: job.id)

        return await in_transaction(self.database, work)

    async def progress(self, job: ClaimedJob, cursor: str | None, session: AsyncSession) -> None:
        """Record how far ``job`` got and renew its lease, on the session that wrote that far."""
        await session.execute(
            update(IndexJob)
            .where(IndexJob.id == job.id)
            .values(cursor=cursor, lease_until=time.time() + self.lease_s)
        )

    async def finish(self, job: ClaimedJob, session: AsyncSession | None = None) -> None:
        """Drop a done job (on ``session`` when the job's last write should commit with it)."""
        if session is not None:
            await session.execute(delete(IndexJob).where(IndexJob.id == job.id))
            return

        async def work(own: AsyncSession) -> None:
            await own.execute(delete(IndexJob).where(IndexJob.id == job.id))

        await in_transaction(self.database, work)

    async def retry_later(self, job: ClaimedJob, error: str) -> float:
        """Release a failed job to run again after an exponential, jittered backoff; returns the delay."""
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** min(job.attempts - 1, 20))
        delay *= 0.75 + random.random() / 2

        async def work(session: AsyncSession) -> None:
            await session.execute(
                update(IndexJob)
                .where(IndexJob.id == job.id)
                .values(lease_until=None, run_after=time.time() + delay, last_error=error[:MAX_ERROR_LENGTH])
            )

        await in_transaction(self.database, work)
        return delay

    async def backlog(self) -> dict[str, int]:
        """Jobs waiting, by kind."""
        async with self.database.unit_of_work() as session:
            rows = await session.execute(select(IndexJob.kind, func.count()).group_by(IndexJob.kind))
            return {kind: count for kind, count in rows}

    async def pending_for(self, session: AsyncSession, kinds: list[JobKind], target_id: int) -> bool:
        """Whether a job of one of ``kinds`` for ``target_id`` is still waiting."""
        found = await session.scalar(
            select(IndexJob.id)
            .where(IndexJob.kind.in_([kind.value for kind in kinds]))
            .where(IndexJob.target_id == target_id)
            .limit(1)
        )
        return found is not None
