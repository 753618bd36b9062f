"""A commit's chunk check: batches checked in the background while parsing goes on, none lost."""

from __future__ import annotations

import pytest

from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.objectstore import LocalObjectStore
from kamld_storage_gateway.uploads import service as upload_service


def entry(index: int) -> tuple[FileEntry, bytes]:
    data = f"file {index}".encode()
    digest = digest_bytes(data)
    return FileEntry(f"f{index:04}", len(data), 0o644, digest, [ChunkRef(digest, 0, len(data))]), data


@pytest.mark.parametrize("batch", [1, 3, 7, 1000])
async def test_every_absent_chunk_is_counted_across_background_batches(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(upload_service, "MISSING_CHECK_BATCH", batch)
    monkeypatch.setattr(upload_service, "MISSING_REPORT_LIMIT", 4)
    chunks = ChunkStore(LocalObjectStore(tmp_path / "objects"))
    entries = [entry(index) for index in range(40)]
    absent = {item.digest for index, (item, _) in enumerate(entries) if index % 5 == 2}
    for item, data in entries:
        if item.digest not in absent:
            await chunks.put(item.digest, data)
    checker = upload_service._ChunkPresence(chunks)
    for item, _ in entries:
        await checker.add(item)
    await checker.flush()
    assert checker.missing_count == len(absent) == 8
    assert len(checker.missing) == 4 and set(checker.missing) <= absent


async def test_a_failed_check_fails_the_commit(tmp_path):
    class Unreachable(ChunkStore):
        async def missing(self, digests):
            raise OSError("index unreadable")

    checker = upload_service._ChunkPresence(Unreachable(LocalObjectStore(tmp_path / "objects")))
    with pytest.raises(OSError, match="index unreadable"):
        for index in range(3 * upload_service.MISSING_CHECK_BATCH):
            await checker.add(entry(index)[0])
        await checker.flush()


async def test_chunks_known_stored_are_only_cleared_from_pending(tmp_path):
    class Counting(ChunkStore):
        asked: list[str] = []

        async def missing(self, digests):
            self.asked.extend(digests)
            return await super().missing(digests)

    store = Counting(LocalObjectStore(tmp_path / "objects"))
    checker = upload_service._ChunkPresence(store)
    known, listed = entry(1)[0], entry(2)[0]
    await checker.add(known, check=False)
    await checker.add(listed)
    await checker.flush()
    assert store.asked == [listed.chunks[0].digest]
    assert checker.missing == [listed.chunks[0].digest]
