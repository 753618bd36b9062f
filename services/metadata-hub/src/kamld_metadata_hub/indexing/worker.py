"""The indexer: workers that take index jobs and bring the search engine and ``version_files`` up
to date with the catalog.

A push only writes its jobs; these workers run beside the API in every metadata-hub process (any
number of replicas), so indexing never holds a push up. A job that fails (storage-gateway or the
search engine away) is released with a backoff and retried; long jobs record their cursor as they
go and resume from it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import NotFound
from kamld_metadata_hub.aliases.repository import AliasRepository
from kamld_metadata_hub.artifacts.repository import ArtifactRepository
from kamld_metadata_hub.indexing.documents import (
    artifact_document,
    artifact_facts,
    column_documents,
    file_document,
    version_document,
)
from kamld_metadata_hub.indexing.jobs import ClaimedJob, JobKind, JobQueue, enqueue
from kamld_metadata_hub.indexing.manifests import ManifestReader
from kamld_metadata_hub.models import Artifact, Version, VersionFile, VersionProfile, utcnow
from kamld_metadata_hub.profiles.images import is_image
from kamld_metadata_hub.profiles.profiler import Profiler
from kamld_metadata_hub.profiles.tabular import table_format
from kamld_metadata_hub.search.protocol import SearchIndex

log = structlog.get_logger("kamld.metadata_hub.indexer")

FILE_BATCH = 5000


class Indexer:
    """Runs one claimed job to its end (or raises, and the job is retried later)."""

    def __init__(
        self,
        database: Database,
        queue: JobQueue,
        engine: SearchIndex,
        manifests: ManifestReader,
        profiler: Profiler,
    ) -> None:
        self.database = database
        self.queue = queue
        self.engine = engine
        self.manifests = manifests
        self.profiler = profiler

    async def run(self, job: ClaimedJob) -> None:
        handler = {
            JobKind.ARTIFACT: self._artifact,
            JobKind.MANIFEST: self._manifest,
            JobKind.VERSION: self._version,
            JobKind.VERSION_DOC: self._version_doc,
            JobKind.PROFILE: self._profile,
            JobKind.REBUILD: self._rebuild,
        }[job.kind]
        await handler(job)

    async def _index_artifact(self, session: AsyncSession, artifact: Artifact) -> None:
        labels = (await ArtifactRepository(session).labels_of([artifact.id]))[artifact.id]
        await self.engine.upsert([artifact_document(artifact, labels)])
        await self.engine.set_artifact(artifact_facts(artifact, labels))

    async def _artifact(self, job: ClaimedJob) -> None:
        async with self.database.unit_of_work() as session:
            artifact = await session.get(Artifact, job.target_id)
            if artifact is not None:
                await self._index_artifact(session, artifact)
        await self.queue.finish(job)

    async def _version_row(self, session: AsyncSession, version_id: int) -> tuple[Artifact, Version] | None:
        row = (
            await session.execute(
                select(Artifact, Version)
                .join(Version, Version.artifact_id == Artifact.id)
                .where(Version.id == version_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def _index_version_doc(self, session: AsyncSession, artifact: Artifact, version: Version) -> None:
        aliases = (await AliasRepository(session).names_by_version([version.id]))[version.id]
        await self.engine.upsert([version_document(artifact, version, aliases)])

    async def _index_columns(self, session: AsyncSession, artifact: Artifact, version: Version) -> None:
        """Columns of the version's profiled tables (a rebuild finds them here, not in the files)."""
        profiles = await session.scalars(
            select(VersionProfile).where(
                VersionProfile.version_id == version.id, VersionProfile.kind == "table"
            )
        )
        for profile in profiles:
            columns = profile.data.get("columns") or []
            await self.engine.upsert(column_documents(artifact, version, profile.path, columns))

    async def _version_doc(self, job: ClaimedJob) -> None:
        async with self.database.unit_of_work() as session:
            found = await self._version_row(session, job.target_id)
            if found is not None:
                await self._index_version_doc(session, *found)
        await self.queue.finish(job)

    async def _manifest(self, job: ClaimedJob) -> None:
        """Copy the version's file list into ``version_files``, a page per transaction, then hand
        the version to search (a job of its own, so recall does not wait on the search engine)."""
        async with self.database.unit_of_work() as session:
            found = await self._version_row(session, job.target_id)
        if found is None:
            await self.queue.finish(job)
            return
        digest = found[1].digest
        cursor = job.cursor
        while True:
            try:
                page = await self.manifests.page(digest, cursor)
            except NotFound:
                log.warning("manifest_missing", version_id=job.target_id, digest=digest)
                page = None
            rows = [
                {"version_id": job.target_id, "path": f.path, "digest": f.digest, "size": f.size}
                for f in (page.files if page else [])
            ]
            async with self.database.unit_of_work() as session:
                if rows:
                    insert = sqlite_insert if self.database.is_sqlite else pg_insert
                    await session.execute(insert(VersionFile).on_conflict_do_nothing(), rows)
                if page is None or page.next is None:
                    enqueue(session, JobKind.VERSION, job.target_id)
                    enqueue(session, JobKind.PROFILE, job.target_id)
                    await self.queue.finish(job, session)
                    return
                cursor = page.next
                await self.queue.progress(job, cursor, session)

    async def _version(self, job: ClaimedJob) -> None:
        async with self.database.unit_of_work() as session:
            found = await self._version_row(session, job.target_id)
            if found is not None and job.cursor is None:
                await self._index_version_doc(session, *found)
                await self._index_columns(session, *found)
        if found is None:
            await self.queue.finish(job)
            return
        await self._index_files(job, *found, job.cursor, own_job=True)

    async def _index_files(
        self, job: ClaimedJob, artifact: Artifact, version: Version, cursor: str | None, *, own_job: bool
    ) -> None:
        """Index the version's files after ``cursor``, a page at a time. With ``own_job`` (the
        version's own job) each page records its cursor and the last page finishes the job;
        otherwise (a rebuild, whose job outlives this version) each page only renews the lease."""
        while True:
            async with self.database.unit_of_work() as session:
                query = select(VersionFile.path).where(VersionFile.version_id == version.id)
                if cursor is not None:
                    query = query.where(VersionFile.path > cursor)
                paths = list(await session.scalars(query.order_by(VersionFile.path).limit(FILE_BATCH)))
            await self.engine.upsert([file_document(artifact, version, path) for path in paths])
            last_page = len(paths) < FILE_BATCH
            if last_page and not own_job:
                return
            async with self.database.unit_of_work() as session:
                if last_page:
                    await self.queue.finish(job, session)
                    return
                cursor = paths[-1]
                await self.queue.progress(job, cursor if own_job else None, session)

    async def _profile(self, job: ClaimedJob) -> None:
        """Profile the version's tables one by one (resuming after the last one done), then its
        images; each table's columns become searchable."""
        async with self.database.unit_of_work() as session:
            found = await self._version_row(session, job.target_id)
            if found is None:
                await self.queue.finish(job, session)
                return
            artifact, version = found
            files = (
                await session.execute(
                    select(VersionFile.path, VersionFile.size)
                    .where(VersionFile.version_id == version.id)
                    .order_by(VersionFile.path)
                )
            ).all()
        tables = [(path, size) for path, size in files if table_format(path)][: self.profiler.max_tables]
        for path, size in tables:
            if job.cursor is not None and path <= job.cursor:
                continue
            profile = await self.profiler.table(version.digest, path, size)
            await self.engine.upsert(column_documents(artifact, version, path, profile.columns))
            async with self.database.unit_of_work() as session:
                await self._store_profile(
                    session, version.id, path, "table", profile.status, profile.as_json()
                )
                await self.queue.progress(job, path, session)
        images = [(path, size) for path, size in files if is_image(path)]
        async with self.database.unit_of_work() as session:
            if images:
                summary = await self.profiler.images(
                    version.digest, images[: self.profiler.max_images], len(images)
                )
                await self._store_profile(session, version.id, "", "images", "ok", summary)
            await self.queue.finish(job, session)

    async def _store_profile(
        self, session: AsyncSession, version_id: int, path: str, kind: str, status: str, data: dict[str, Any]
    ) -> None:
        insert = sqlite_insert if self.database.is_sqlite else pg_insert
        statement = insert(VersionProfile).values(
            version_id=version_id, path=path, kind=kind, status=status, data=data, created_at=utcnow()
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["version_id", "path"],
                set_={"kind": kind, "status": status, "data": data, "created_at": utcnow()},
            )
        )

    async def _rebuild(self, job: ClaimedJob) -> None:
        """Everything again, from the catalog into a fresh index, made the searched one at the end."""
        await self.engine.reset()
        async with self.database.unit_of_work() as session:
            artifacts = list(await session.scalars(select(Artifact).order_by(Artifact.id)))
            for artifact in artifacts:
                await self._index_artifact(session, artifact)
            version_ids = list(await session.scalars(select(Version.id).order_by(Version.id)))
        for version_id in version_ids:
            async with self.database.unit_of_work() as session:
                found = await self._version_row(session, version_id)
                if found is not None:
                    await self._index_version_doc(session, *found)
                    await self._index_columns(session, *found)
            if found is not None:
                await self._index_files(job, *found, None, own_job=False)
            async with self.database.unit_of_work() as session:
                await self.queue.progress(job, None, session)
        await self.engine.publish()
        await self.queue.finish(job)


class IndexWorkers:
    """``count`` loops that claim and run jobs; :meth:`wake` makes them look at once."""

    def __init__(self, indexer: Indexer, queue: JobQueue, *, count: int, batch: int, poll_s: float) -> None:
        self.indexer = indexer
        self.queue = queue
        self.count = count
        self.batch = batch
        self.poll_s = poll_s
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(), name=f"indexer-{n}") for n in range(self.count)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def run_once(self) -> int:
        """Claim one batch and run it; the number of jobs claimed (0 when none was due)."""
        jobs = await self.queue.claim(self.batch)
        for job in jobs:
            try:
                await self.indexer.run(job)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure is retried later, none is lost
                delay = await self.queue.retry_later(job, f"{type(exc).__name__}: {exc}")
                log.warning(
                    "index_job_failed",
                    job=job.id,
                    kind=job.kind,
                    attempt=job.attempts,
                    retry_in_s=round(delay, 2),
                    error=str(exc)[:200],
                )
        return len(jobs)

    async def _loop(self) -> None:
        while True:
            try:
                claimed = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the catalog database away: look again later
                log.warning("index_claim_failed", error=str(exc)[:200])
                claimed = 0
            if claimed == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_s)
