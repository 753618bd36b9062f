"""ChunkStore: chunks verified against their digest on write and on read, on every backend."""

from __future__ import annotations

import os

import pytest
from prometheus_client import REGISTRY

from kamld_common.errors import Invalid
from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.chunks import ChunkNotFound, ChunkStore, CorruptChunk
from kamld_storage_gateway.objectstore import LocalObjectStore


def corrupt_count(backend: str) -> float:
    return REGISTRY.get_sample_value("kamld_storage_corrupt_chunks_total", {"backend": backend}) or 0.0


async def test_put_then_get_round_trips(object_store):
    chunks = ChunkStore(object_store)
    data = os.urandom(70_000)
    digest = digest_bytes(data)
    assert await chunks.put(digest, data) is True
    assert await chunks.put(digest, data) is False
    assert await chunks.get(digest) == data
    assert await chunks.exists(digest)


async def test_put_refuses_bytes_that_do_not_match_the_digest(object_store):
    chunks = ChunkStore(object_store)
    claimed = digest_bytes(b"what the client named")
    with pytest.raises(Invalid) as caught:
        await chunks.put(claimed, b"what the client sent")
    assert caught.value.code == "digest_mismatch"
    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["loc"] == ["digest"]
    assert await object_store.stat(object_key(claimed)) is None


async def test_malformed_digests_are_invalid_input(object_store):
    chunks = ChunkStore(object_store)
    with pytest.raises(Invalid) as caught:
        await chunks.put("blake3:../../etc", b"x")
    assert caught.value.code == "invalid_digest"
    with pytest.raises(Invalid) as caught:
        await chunks.missing([digest_bytes(b"ok"), "sha1:abc"])
    assert caught.value.extra["errors"][0]["loc"] == ["digests[1]"]


async def test_missing_answers_a_batch_in_order_without_repeats(object_store):
    chunks = ChunkStore(object_store)
    stored = [os.urandom(1000) for _ in range(3)]
    for data in stored:
        await chunks.put(digest_bytes(data), data)
    absent = [digest_bytes(f"absent {i}".encode()) for i in range(3)]
    asked = [absent[2], digest_bytes(stored[0]), absent[0], absent[2], digest_bytes(stored[1]), absent[1]]
    assert await chunks.missing(asked) == [absent[2], absent[0], absent[1]]
    assert await chunks.missing([]) == []


async def test_get_of_an_unknown_chunk_is_not_found(object_store):
    with pytest.raises(ChunkNotFound) as caught:
        await ChunkStore(object_store).get(digest_bytes(b"never stored"))
    assert caught.value.status == 404


async def test_delete_removes_a_chunk(object_store):
    chunks = ChunkStore(object_store, cache_bytes=1 << 20)
    digest = digest_bytes(b"to delete")
    await chunks.put(digest, b"to delete")
    await chunks.get(digest)
    await chunks.delete(digest)
    assert await chunks.missing([digest]) == [digest]
    with pytest.raises(ChunkNotFound):
        await chunks.get(digest)


@pytest.mark.parametrize("cache_bytes", [0, 1 << 20])
async def test_a_chunk_corrupted_on_disk_is_detected_counted_and_never_served(tmp_path, cache_bytes):
    store = LocalObjectStore(tmp_path / "objects")
    chunks = ChunkStore(store, cache_bytes=cache_bytes)
    data = os.urandom(50_000)
    digest = digest_bytes(data)
    await chunks.put(digest, data)
    path = tmp_path / "objects" / object_key(digest)
    path.chmod(0o644)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    before = corrupt_count("local")

    with pytest.raises(CorruptChunk) as caught:
        await chunks.get(digest)

    assert caught.value.status == 502
    assert caught.value.code == "corrupt_chunk"
    assert corrupt_count("local") == before + 1
    with pytest.raises(CorruptChunk):
        await chunks.get(digest)
    assert corrupt_count("local") == before + 2


async def test_cache_serves_only_verified_chunks_and_stays_bounded(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    chunks = ChunkStore(store, cache_bytes=40_000)
    blobs = [os.urandom(9_000) for _ in range(6)]
    for data in blobs:
        await chunks.put(digest_bytes(data), data)
        assert await chunks.get(digest_bytes(data)) == data
    assert chunks._cache_size <= 40_000
    assert len(chunks._cache) == 4
