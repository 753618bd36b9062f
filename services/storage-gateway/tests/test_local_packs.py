"""Small objects of the local store live in pack files behind an index; every operation sees them."""

from __future__ import annotations

import asyncio
import os
import random
import stat
import time

import pytest

from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.chunks import ChunkNotFound, ChunkStore, CorruptChunk
from kamld_storage_gateway.objectstore import LocalObjectStore, ObjectNotFound
from kamld_storage_gateway.objectstore import packs as packs_module
from kamld_storage_gateway.objectstore.packs import PACK_DIRECTORY, PackIndex


def blob(i: int, size: int = 3000) -> tuple[str, bytes]:
    data = (f"object {i} ".encode() * (size // 8 + 1))[:size]
    return object_key(digest_bytes(data)), data


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


async def collect(store, prefix: str = "") -> list[str]:
    return [info.key async for info in store.list(prefix)]


async def test_a_batch_of_small_objects_is_one_pack_file_and_reads_back(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(500)]
    assert await store.put_many_if_absent(items) == {key for key, _ in items}

    packs = list((tmp_path / "objects" / PACK_DIRECTORY).glob("*.pack"))
    assert len(packs) == 1
    assert stat.S_IMODE(packs[0].stat().st_mode) == 0o444
    assert not [p for p in files_under(tmp_path / "objects") if PACK_DIRECTORY not in p.parts]
    for key, data in items[:50]:
        assert await store.get(key) == data
        assert await store.get_range(key, 10, 20) == data[10:30]
        assert await store.get_range(key, len(data) - 3, 100) == data[-3:]
        assert await store.get_range(key, len(data) + 5, 10) == b""
        info = await store.stat(key)
        assert info.size == len(data) and info.modified.tzinfo is not None
    assert await store.exists_many([items[0][0], items[1][0], "blake3/00/missing"]) == {
        items[0][0],
        items[1][0],
    }


async def test_packed_keys_are_never_written_twice(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(20)]
    assert await store.put_many_if_absent(items[:10]) == {key for key, _ in items[:10]}
    assert await store.put_many_if_absent(items) == {key for key, _ in items[10:]}
    assert await store.put_many_if_absent(items) == set()
    # A single put of a packed key is refused too, and the packed bytes stay.
    assert await store.put_if_absent(items[0][0], b"other") is False
    assert await store.get(items[0][0]) == items[0][1]
    # The same key twice in one batch is written once.
    extra = blob(99)
    assert await store.put_many_if_absent([extra, extra]) == {extra[0]}
    assert len(list((tmp_path / "objects" / PACK_DIRECTORY).glob("*.pack"))) == 3


async def test_concurrent_batches_index_each_key_exactly_once(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(200)]
    results = await asyncio.gather(*(store.put_many_if_absent(items) for _ in range(6)))
    for key, _ in items:
        assert sum(key in written for written in results) == 1
    for key, data in items:
        assert await store.get(key) == data
    # Batches that lost every key leave no pack behind.
    assert len(list((tmp_path / "objects" / PACK_DIRECTORY).glob("*.pack"))) == sum(1 for r in results if r)


async def test_large_objects_of_a_batch_stay_loose_files(tmp_path):
    store = LocalObjectStore(tmp_path / "objects", pack_below=1000)
    small, large = blob(1, 999), blob(2, 1000)
    assert await store.put_many_if_absent([small, large]) == {small[0], large[0]}
    assert (tmp_path / "objects" / large[0]).read_bytes() == large[1]
    assert not (tmp_path / "objects" / small[0]).exists()
    assert await store.get_many([small[0], large[0]]) == [small[1], large[1]]


async def test_listing_merges_packed_and_loose_objects_in_key_order(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    packed = [blob(i) for i in range(30)]
    loose = [blob(i) for i in range(30, 60)]
    await store.put_many_if_absent(packed)
    for key, data in loose:
        await store.put_if_absent(key, data)
    await store.put_if_absent("manifests/roots/x", b"root")
    everything = sorted(key for key, _ in packed + loose)
    assert await collect(store, "blake3/") == everything
    prefix = everything[7][: len("blake3/") + 1]
    assert await collect(store, prefix) == [key for key in everything if key.startswith(prefix)]
    assert await collect(store, "manifests/") == ["manifests/roots/x"]
    sizes = {info.key: info.size async for info in store.list("blake3/")}
    assert sizes == {key: len(data) for key, data in packed + loose}


async def test_listing_pages_through_many_packed_objects(tmp_path, monkeypatch):
    from kamld_storage_gateway.objectstore import local

    monkeypatch.setattr(local, "_LIST_BATCH", 7)
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i, 100) for i in range(40)]
    await store.put_many_if_absent(items)
    assert await collect(store) == sorted(key for key, _ in items)


async def test_get_many_reads_in_order_within_a_byte_budget(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i, 1000) for i in range(10)]
    await store.put_many_if_absent(items[:5])
    for key, data in items[5:]:
        await store.put_if_absent(key, data)
    keys = [key for key, _ in reversed(items)]
    assert await store.get_many(keys, max_bytes=1 << 20) == [data for _, data in reversed(items)]
    assert await store.get_many(keys, max_bytes=2500) == [data for _, data in reversed(items)][:3]
    assert await store.get_many(keys, max_bytes=1) == [items[-1][1]]
    with pytest.raises(ObjectNotFound):
        await store.get_many([keys[0], "blake3/00/missing"])


@pytest.mark.parametrize("direct_io", [False, True])
async def test_get_many_keeps_order_across_packed_objects_and_loose_files_read_in_parallel(
    tmp_path, direct_io
):
    store = LocalObjectStore(tmp_path / "objects", direct_io=direct_io)
    packed = [blob(i, 2000) for i in range(6)]
    sizes = [300 << 10, 5000, 1 << 20, 257 << 10] * 3
    loose = [blob(i, sizes[i - 6]) for i in range(6, 16)]
    await store.put_many_if_absent(packed)
    for key, data in loose:
        await store.put_if_absent(key, data)
    # Runs of loose files (read in parallel) between single packed objects and runs of them.
    order = loose[:3] + packed[:1] + loose[3:7] + packed[1:4] + loose[7:] + packed[4:]
    keys = [key for key, _ in order]
    assert await store.get_many(keys, max_bytes=1 << 30) == [data for _, data in order]
    within = await store.get_many(keys, max_bytes=(300 << 10) + 5000 + 1)
    assert within == [data for _, data in order[:3]]

    gone = loose[4][0]
    (tmp_path / "objects" / gone).chmod(0o644)
    (tmp_path / "objects" / gone).unlink()
    with pytest.raises(ObjectNotFound):
        await store.get_many(keys, max_bytes=1 << 30)


async def test_sizes_of_many_loose_files_stat_in_parallel_match_each_key(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    packed = [blob(i, 1000 + i) for i in range(5)]
    loose = [blob(i, (256 << 10) + i) for i in range(5, 45)]  # more files than stat threads
    await store.put_many_if_absent(packed)
    for key, data in loose:
        await store.put_if_absent(key, data)
    gone = loose[7][0]
    (tmp_path / "objects" / gone).chmod(0o644)
    (tmp_path / "objects" / gone).unlink()
    absent = [object_key(digest_bytes(f"absent {i}".encode())) for i in range(3)]
    keys = [key for key, _ in loose] + absent + [key for key, _ in packed]
    expected = {key: len(data) for key, data in loose + packed if key != gone}
    assert await store.sizes_many(keys) == expected
    assert await store.sizes_many(list(reversed(keys))) == expected


def test_the_index_answers_sizes_of_packed_keys_across_query_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(packs_module, "_QUERY_BATCH", 7)
    index = PackIndex(tmp_path)
    items = [blob(i, 100 + i) for i in range(30)]
    index.write(items)
    absent = [object_key(digest_bytes(f"absent {i}".encode())) for i in range(5)]
    asked = absent[:2] + [key for key, _ in items] + absent[2:] + [items[3][0]]
    assert index.sizes(asked) == {key: len(data) for key, data in items}
    assert index.sizes(absent) == {}
    assert index.sizes([]) == {}
    index.close()


@pytest.mark.parametrize("seed", range(6))
async def test_sizes_of_loose_files_among_keys_in_missing_directories_are_all_found(tmp_path, seed):
    """Directories are looked at once each before their files; no file that exists is ever missed."""
    rng = random.Random(seed)
    store = LocalObjectStore(tmp_path / f"objects-{seed}")
    names = ["a", "b", "c", "blake3"]
    keys = {
        "/".join(rng.choice(names) for _ in range(rng.randint(0, 3))) + f"{'/' if i % 3 else ''}k{i}"
        for i in range(60)
    }
    keys = {key.lstrip("/") for key in keys}
    stored = {key: f"object {key}".encode() * (1 + len(key)) for key in rng.sample(sorted(keys), 15)}
    for key, data in stored.items():
        await store.put_if_absent(key, data)
    absent = sorted(keys - set(stored))
    packed = [blob(i, 500 + i) for i in range(3)]
    await store.put_many_if_absent(packed)
    expected = {key: len(data) for key, data in stored.items()} | {key: len(data) for key, data in packed}
    asked = absent + sorted(stored) + [key for key, _ in packed]
    rng.shuffle(asked)
    assert await store.sizes_many(asked) == expected
    assert await store.exists_many(asked) == set(expected)


async def test_deleting_packed_objects_compacts_and_finally_removes_the_pack(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(10)]
    await store.put_many_if_absent(items)
    pack_dir = tmp_path / "objects" / PACK_DIRECTORY
    (first,) = pack_dir.glob("*.pack")
    first_size = first.stat().st_size
    for key, _ in items[:4]:
        await store.delete(key)
        assert await store.stat(key) is None
        with pytest.raises(ObjectNotFound):
            await store.get(key)
    assert list(pack_dir.glob("*.pack")) == [first]  # still more than half live
    await store.delete(items[4][0])
    await store.delete(items[5][0])  # now 4 of 10 live: rewritten without the dead ones
    (second,) = pack_dir.glob("*.pack")
    assert second != first
    assert not first.exists()
    assert second.stat().st_size < first_size / 2
    for key, data in items[6:]:
        assert await store.get(key) == data
    await store.delete(items[0][0])  # deleting an absent key is not an error
    for key, _ in items[6:]:
        await store.delete(key)
    assert list(pack_dir.glob("*.pack")) == []
    assert await collect(store) == []
    # A deleted key can be written again.
    assert await store.put_many_if_absent([items[3]]) == {items[3][0]}
    assert await store.get(items[3][0]) == items[3][1]


async def test_reads_racing_a_compaction_find_the_moved_objects(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(400)]
    await store.put_many_if_absent(items)
    survivors = items[1::2]

    async def delete_half():
        for key, _ in items[0::2]:
            await store.delete(key)

    async def read_survivors():
        for _ in range(3):
            for key, data in survivors[::7]:
                assert await store.get(key) == data
            assert await store.get_many([key for key, _ in survivors[:50]]) == [d for _, d in survivors[:50]]

    await asyncio.gather(delete_half(), read_survivors(), read_survivors())
    for key, data in survivors:
        assert await store.get(key) == data


async def test_a_pack_no_index_row_names_is_removed_once_old(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    await store.put_many_if_absent([blob(1)])
    pack_dir = tmp_path / "objects" / PACK_DIRECTORY
    young = pack_dir / "0123.pack"
    old = pack_dir / "4567.pack"
    young.write_bytes(b"left by a crash just now")
    old.write_bytes(b"left by a crash long ago")
    hour_ago = time.time() - packs_module.ORPHAN_AGE_S - 60
    os.utime(old, (hour_ago, hour_ago))

    reopened = LocalObjectStore(tmp_path / "objects")
    assert await reopened.get(blob(1)[0]) == blob(1)[1]
    assert young.exists() and not old.exists()


async def test_the_index_can_be_rebuilt_from_the_packs(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    items = [blob(i) for i in range(50)]
    await store.put_many_if_absent(items[:25])
    await store.put_many_if_absent(items[20:])
    index = PackIndex(tmp_path / "objects")
    index._db.execute("DELETE FROM objects")
    assert index.rebuild() == 50
    index.close()
    reopened = LocalObjectStore(tmp_path / "objects")
    for key, data in items:
        assert await reopened.get(key) == data


async def test_a_corrupt_packed_chunk_is_counted_and_never_served(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    chunks = ChunkStore(store)
    data = [os.urandom(2000) for _ in range(3)]
    digests = [digest_bytes(d) for d in data]
    await chunks.put_verified(list(zip(digests, data, strict=True)))
    (pack,) = (tmp_path / "objects" / PACK_DIRECTORY).glob("*.pack")
    raw = bytearray(pack.read_bytes())
    at = raw.index(data[1]) + 100
    raw[at] ^= 0xFF
    pack.chmod(0o644)
    pack.write_bytes(bytes(raw))

    assert await chunks.get(digests[0]) == data[0]
    with pytest.raises(CorruptChunk):
        await chunks.get(digests[1])
    with pytest.raises(CorruptChunk):
        await chunks.get_many(digests)
    assert await chunks.get_many([digests[2]]) == [(digests[2], data[2])]
    with pytest.raises(ChunkNotFound):
        await chunks.get_many([digest_bytes(b"never stored")])
