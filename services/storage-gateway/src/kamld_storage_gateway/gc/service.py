"""Mark and sweep over the object store.

Mark: every manifest the catalog references, plus every manifest and chunk of every unexpired
upload session; each marked manifest's root, pages and chunks are kept. Sweep: objects under the
content prefixes that nothing marked and that are older than the grace period are deleted, in
batches. Each batch runs under the exclusive write guard and first re-reads the database, so a
chunk uploaded to an open session or a manifest committed while the collector ran is spared.
The mark set holds object keys in memory (about 100 bytes per live object).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from kamld_content.hashing import digest_from_key, is_digest, object_key
from kamld_storage_gateway import events
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.gc.catalog import CatalogDigests
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.gc.holds import refuse_if_held
from kamld_storage_gateway.manifests.repository import MANIFEST_PREFIX, ManifestRepository, page_key, root_key
from kamld_storage_gateway.objectstore.base import ObjectInfo, ObjectStore
from kamld_storage_gateway.uploads.repository import UploadRepository

log = structlog.get_logger("kamld.gc")

CHUNK_PREFIX = "blake3/"
SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class GcReport:
    objects: int
    bytes: int
    dry_run: bool
    marked: int


class GarbageCollector:
    def __init__(
        self,
        guard: WriteGuard,
        store: ObjectStore,
        chunks: ChunkStore,
        manifests: ManifestRepository,
        catalog: CatalogDigests,
        clock: Callable[[], datetime],
    ) -> None:
        self.guard = guard
        self.store = store
        self.chunks = chunks
        self.manifests = manifests
        self.catalog = catalog
        self.clock = clock

    async def run(self, *, dry_run: bool, grace_s: int, actor: str = "system") -> GcReport:
        started = self.clock()
        if not dry_run:
            async with self.guard.database.unit_of_work() as session:
                await refuse_if_held(session, started)
        cutoff = started - timedelta(seconds=grace_s)
        marked: set[str] = set()
        walked: set[str] = set()
        async for digest in self.catalog.iter_digests():
            await self._mark_manifest(digest, marked, walked)
        async with self.guard.database.unit_of_work() as session:
            uploads = UploadRepository(session)
            for digest in await uploads.protected_manifests(started):
                await self._mark_manifest(digest, marked, walked)
            async for digest in uploads.iter_protected_chunks(started):
                marked.add(object_key(digest))
        log.info("gc_marked", objects=len(marked), manifests=len(walked))

        objects = freed = 0
        checked_since = started
        batch: list[ObjectInfo] = []

        async def sweep(candidates: list[ObjectInfo]) -> None:
            nonlocal objects, freed, checked_since
            async with self.guard.sweeping() as session:
                uploads = UploadRepository(session)
                now = self.clock()
                if not dry_run:
                    # A backup took a hold since this run started: stop before deleting anything more.
                    await refuse_if_held(session, now)
                for digest in await uploads.manifests_committed_since(checked_since):
                    await self._mark_manifest(digest, marked, walked)
                checked_since = now
                chunk_digests = {
                    info.key: digest_from_key(info.key)
                    for info in candidates
                    if info.key.startswith(CHUNK_PREFIX)
                }
                protected = await uploads.protected_among(chunk_digests.values(), now)
                deleted: list[str] = []
                for info in candidates:
                    if info.key in marked or chunk_digests.get(info.key) in protected:
                        continue
                    if not dry_run:
                        await self._delete(info.key, chunk_digests.get(info.key))
                        deleted.append(chunk_digests.get(info.key, ""))
                    objects += 1
                    freed += info.size
                await uploads.clear_pending(digest for digest in deleted if digest)

        for prefix in (MANIFEST_PREFIX, CHUNK_PREFIX):
            async for info in self.store.list(prefix):
                if info.key in marked or _aware(info.modified) >= cutoff or not _is_content_key(info.key):
                    continue
                batch.append(info)
                if len(batch) >= SWEEP_BATCH:
                    await sweep(batch)
                    batch = []
        if batch:
            await sweep(batch)
        if not dry_run:
            async with self.guard.database.unit_of_work() as session:
                await UploadRepository(session).delete_expired(started)
                await events.emit(session, events.gc_completed(objects, freed, len(marked), actor))
        log.info("gc_swept", objects=objects, bytes=freed, dry_run=dry_run, marked=len(marked))
        return GcReport(objects, freed, dry_run, len(marked))

    async def _delete(self, key: str, chunk_digest: str | None) -> None:
        # Chunks go through the chunk store so its read cache forgets them too.
        if chunk_digest is not None:
            await self.chunks.delete(chunk_digest)
        else:
            await self.store.delete(key)

    async def _mark_manifest(self, digest: str, marked: set[str], walked: set[str]) -> None:
        if digest in walked:
            return
        walked.add(digest)
        if not is_digest(digest):
            log.warning("gc_digest_invalid", digest=str(digest)[:80])
            return
        if not await self.manifests.root_exists(digest):
            log.warning("gc_manifest_missing", digest=digest)
            return
        root = await self.manifests.get_root(digest)
        marked.add(root_key(digest))
        for page in root.pages:
            marked.add(page_key(page.digest))
            for entry in await self.manifests.get_page(page.digest):
                for chunk in entry.chunks:
                    marked.add(object_key(chunk.digest))


def _is_content_key(key: str) -> bool:
    tail = key[len(MANIFEST_PREFIX) :].split("/", 1)[-1] if key.startswith(MANIFEST_PREFIX) else key
    try:
        digest_from_key(tail)
    except ValueError:
        return False
    return True


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
