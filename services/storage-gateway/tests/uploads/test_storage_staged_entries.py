"""Entries staged from a committed manifest (a file split): garbage collection spares their chunks
while the session is open, and the commit merges them unchecked with the files uploaded whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kamld_common.db import Database
from kamld_common.errors import Conflict
from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.app import MIGRATIONS
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.manifests.repository import ManifestRepository
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.objectstore import LocalObjectStore
from kamld_storage_gateway.uploads.repository import UploadRepository
from kamld_storage_gateway.uploads.service import UploadService


def entry(path: str, data: bytes) -> FileEntry:
    digest = digest_bytes(data)
    return FileEntry(path, len(data), 0o644, digest, [ChunkRef(digest, 0, len(data))])


async def test_staged_entries_are_protected_and_committed(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", MIGRATIONS)
    await database.migrate()
    now = datetime(2030, 1, 1, tzinfo=UTC)
    objects = LocalObjectStore(tmp_path / "objects")
    chunks = ChunkStore(objects)
    uploads = UploadService(
        WriteGuard(database),
        chunks,
        ManifestService(ManifestRepository(objects)),
        ttl_s=60,
        max_file_bytes=1 << 20,
        max_line_bytes=1 << 20,
        memory_bytes=16 << 20,
        clock=lambda: now,
    )
    try:
        blobs = {f"train/{i:02d}.bin": f"staged {i}".encode() for i in range(30)}
        for data in blobs.values():
            await chunks.put(digest_bytes(data), data)
        staged = [entry(path, data) for path, data in sorted(blobs.items())]
        opened = await uploads.open()
        await uploads.stage_entries(opened.id, staged)
        digests = {item.chunks[0].digest for item in staged}
        async with database.unit_of_work() as session:
            repository = UploadRepository(session)
            assert await repository.protected_among(digests, now) == digests
            assert await repository.protected_among(digests, now + timedelta(seconds=61)) == set()

        async def nothing():
            return
            yield b""

        summary = await uploads.commit(opened.id, nothing())
        assert summary.file_count == 30
        listed = await uploads.manifests.list_files(summary.digest, limit=100)
        assert [line.decode() for line in listed.lines] == [item.to_canonical() for item in staged]
        with pytest.raises(Conflict):
            await uploads.stage_entries(opened.id, staged)
    finally:
        await database.dispose()
