"""A split staged in a session (``split-files``): garbage collection keeps its source manifest
while the session is open, and the commit derives the entries and merges them unchecked with the
files uploaded whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from kamld_common.db import Database
from kamld_common.errors import Conflict, Invalid
from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes
from kamld_content.manifest import FileEntry
from kamld_content.split import partition
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


async def nothing() -> AsyncIterator[bytes]:
    return
    yield b""


@pytest.fixture
async def uploads(tmp_path) -> AsyncIterator[UploadService]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", MIGRATIONS)
    await database.migrate()
    objects = LocalObjectStore(tmp_path / "objects")
    service = UploadService(
        WriteGuard(database),
        ChunkStore(objects),
        ManifestService(ManifestRepository(objects)),
        ttl_s=60,
        max_file_bytes=1 << 20,
        max_line_bytes=1 << 20,
        memory_bytes=16 << 20,
        clock=lambda: datetime(2030, 1, 1, tzinfo=UTC),
    )
    try:
        yield service
    finally:
        await database.dispose()


async def committed(uploads: UploadService, entries: list[FileEntry]) -> str:
    """A committed manifest of ``entries`` (its chunks are stored)."""
    writer = uploads.manifests.writer()
    for item in sorted(entries, key=lambda e: e.path):
        await writer.add(item)
    return (await writer.finish()).digest


async def test_a_staged_split_is_protected_and_committed(uploads: UploadService) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    source = [entry(f"img/{i:02d}.bin", f"staged {i}".encode()) for i in range(30)]
    source_digest = await committed(uploads, [*source, entry("labels.csv", b"id\n")])
    opened = await uploads.open()
    await uploads.stage_split(opened.id, source_digest, test=0.3, val=0.1, seed=4, exclude=["labels.csv"])
    async with uploads.database.unit_of_work() as session:
        repository = UploadRepository(session)
        assert source_digest in await repository.protected_manifests(now)
        assert source_digest not in await repository.protected_manifests(now + timedelta(seconds=61))
        assert source_digest in await repository.manifests_committed_since(now)

    summary = await uploads.commit(opened.id, nothing())
    parts = partition(source, path=lambda e: e.path, test=0.3, val=0.1, seed=4)
    expected = sorted(
        (f"{part}/{item.path}", item.to_canonical()) for part, chosen in parts.items() for item in chosen
    )
    listed = await uploads.manifests.list_files(summary.digest, limit=100)
    assert listed.paths == [path for path, _ in expected]
    assert summary.file_count == 30 and {len(chosen) for chosen in parts.values()} == {9, 3, 18}
    with pytest.raises(Conflict):
        await uploads.stage_split(opened.id, source_digest, test=0.3, val=0.1, seed=4, exclude=[])


async def test_a_split_clashing_with_a_file_uploaded_whole_commits_nothing(uploads: UploadService) -> None:
    source_digest = await committed(uploads, [entry("a.bin", b"a"), entry("b.bin", b"b")])
    opened = await uploads.open()

    async def body() -> AsyncIterator[bytes]:
        yield b"whole"

    for seed in range(20):  # a seed that puts a.bin in test/
        parts = partition(["a.bin", "b.bin"], path=str, test=0.5, val=0, seed=seed)
        if parts["test"] == ["a.bin"]:
            break
    await uploads.put_file(opened.id, "test/a.bin", body())
    await uploads.stage_split(opened.id, source_digest, test=0.5, val=0, seed=seed, exclude=[])
    with pytest.raises(Invalid) as clash:
        await uploads.commit(opened.id, nothing())
    assert "both uploaded as a whole file and staged by a split" in clash.value.detail
    await uploads.check_open(opened.id)  # nothing was committed
