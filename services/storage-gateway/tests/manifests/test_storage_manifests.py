"""Manifests as pages under a Merkle root: determinism, seeking, diffs, and scale with bounded memory.

The scale test commits, lists and diffs 200,000 files by default. The 1,000,000-file run is
opt-in: ``KAMLD_TEST_MANIFEST_FILES=1000000 pytest services/storage-gateway/tests/manifests``.
"""

from __future__ import annotations

import os
import tracemalloc
import zlib

import pytest

from kamld_common.errors import Invalid, NotFound
from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes, object_key
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.manifests import service as service_module
from kamld_storage_gateway.manifests.format import PAGE_MAX_ENTRIES
from kamld_storage_gateway.manifests.repository import CorruptObject, ManifestRepository
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.objectstore import LocalObjectStore

SCALE = int(os.environ.get("KAMLD_TEST_MANIFEST_FILES", "200000"))


def entry(index: int, version: int = 0) -> FileEntry:
    data = f"{index}:{version}".encode()
    digest = digest_bytes(data)
    return FileEntry(
        f"d{index % 97:02}/f{index:08}.bin", len(data), 0o644, digest, [ChunkRef(digest, 0, len(data))]
    )


def sorted_entries(indices, version_of=lambda index: 0):
    return sorted((entry(i, version_of(i)) for i in indices), key=lambda e: e.path)


@pytest.fixture
def service(tmp_path) -> ManifestService:
    return ManifestService(ManifestRepository(LocalObjectStore(tmp_path / "objects"), cached_pages=4))


async def commit(service: ManifestService, entries) -> str:
    writer = service.writer()
    for item in entries:
        await writer.add(item)
    return (await writer.finish()).digest


async def test_same_files_same_digest_and_one_edit_changes_one_page(service):
    base = sorted_entries(range(5000))
    first = await commit(service, base)
    assert await commit(service, base) == first
    edited = sorted_entries(range(5000), lambda i: 1 if i == 1234 else 0)
    second = await commit(service, edited)
    assert second != first
    old_pages = {page.digest for page in (await service.repository.get_root(first)).pages}
    new_pages = [page.digest for page in (await service.repository.get_root(second)).pages]
    assert len(new_pages) > 2
    assert sum(digest not in old_pages for digest in new_pages) == 1
    inserted = await commit(service, sorted_entries([*range(5000), 777777]))
    inserted_pages = [page.digest for page in (await service.repository.get_root(inserted)).pages]
    assert (
        sum(digest not in old_pages for digest in inserted_pages) <= 2
    )  # boundaries follow paths, not positions


async def test_writer_refuses_disorder_duplicates_and_clashes(service):
    writer = service.writer()
    await writer.add(entry(2))
    with pytest.raises(Invalid) as unsorted:
        await writer.add(entry(1))
    assert unsorted.value.code == "unsorted_paths"
    with pytest.raises(Invalid) as duplicate:
        await writer.add(entry(2))
    assert duplicate.value.code == "duplicate_path"
    digest = digest_bytes(b"")
    clash = service.writer()
    await clash.add(FileEntry("a", 0, 0o644, digest))
    await clash.add(FileEntry("a.txt", 0, 0o644, digest))
    with pytest.raises(Invalid) as both:
        await clash.add(FileEntry("a/b", 0, 0o644, digest))
    assert both.value.code == "file_directory_clash"


async def test_unknown_manifest_is_not_found(service):
    with pytest.raises(NotFound):
        await service.summary(digest_bytes(b"no such root"))


async def test_listing_and_diff_at_scale_with_bounded_memory(service):
    """Commit SCALE files, list them all page by page, diff against an edit; peak memory stays small."""
    removed, modified, added = {10, 20_000}, {5, 150_001 % SCALE}, [SCALE + 1, SCALE + 2]
    writer = service.writer()
    for item in _ordered(range(SCALE)):
        await writer.add(item)
    old = await writer.finish()
    writer = service.writer()
    for item in _ordered([*(i for i in range(SCALE) if i not in removed), *added], modified):
        await writer.add(item)
    new = await writer.finish()
    tracemalloc.start()
    try:
        assert old.file_count == SCALE and old.page_count >= SCALE // PAGE_MAX_ENTRIES
        count, after, previous = 0, None, ""
        while True:
            page = await service.list_files(old.digest, after=after, limit=5000)
            for path in page.paths:
                assert path > previous
                previous = path
            count += len(page.paths)
            if page.next is None:
                break
            after = page.next
        assert count == SCALE
        prefixed = await service.list_files(old.digest, prefix="d42/", limit=SCALE)
        assert len(prefixed.paths) == len([i for i in range(SCALE) if i % 97 == 42])

        changes = []
        after = None
        while True:
            page = await service.diff(old.digest, new.digest, after=after, limit=3)
            changes.extend(page.changes)
            if page.next is None:
                break
            after = page.next
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    by_kind = {(change.change, change.path) for change in changes}
    assert by_kind == {
        *(("removed", entry(i).path) for i in removed),
        *(("modified", entry(i).path) for i in modified),
        *(("added", entry(i).path) for i in added),
    }
    assert peak < 64 << 20, f"listing and diffing used {peak / 2**20:.1f} MiB at peak"


def _ordered(indices, modified=frozenset()):
    """Entries in path order, produced per directory so no list of all entries is ever built."""
    by_directory: dict[int, list[int]] = {}
    for index in indices:
        by_directory.setdefault(index % 97, []).append(index)
    for directory in sorted(by_directory):
        for index in sorted(by_directory.pop(directory), key=lambda i: f"f{i:08}"):
            yield entry(index, 1 if index in modified else 0)


class _FailingWrites:
    """An object store whose ``put_many_if_absent`` fails from its ``fail_at``-th call on."""

    def __init__(self, store, fail_at: int) -> None:
        self.store, self.fail_at, self.calls = store, fail_at, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    async def put_many_if_absent(self, items):
        self.calls += 1
        if self.calls >= self.fail_at:
            raise OSError("disk full")
        return await self.store.put_many_if_absent(items)


async def test_page_writes_in_the_background_give_the_same_manifest(service, tmp_path, monkeypatch):
    entries = sorted_entries(range(3000))
    whole = await commit(service, entries)
    # Small write batches: many page writes, each in flight while the next pages are built.
    monkeypatch.setattr(service_module, "PAGE_WRITE_BYTES", 4096)
    store = _FailingWrites(LocalObjectStore(tmp_path / "other"), fail_at=10**9)
    batched = ManifestService(ManifestRepository(store))
    assert await commit(batched, entries) == whole
    assert store.calls > 10
    listed = [item async for item in batched.iter_entries(whole)]
    assert [item.path for item in listed] == [item.path for item in entries]


async def test_a_failed_page_write_fails_the_manifest_and_leaves_no_root(tmp_path, monkeypatch):
    monkeypatch.setattr(service_module, "PAGE_WRITE_BYTES", 4096)
    store = _FailingWrites(LocalObjectStore(tmp_path / "objects"), fail_at=3)
    failing = ManifestService(ManifestRepository(store))
    with pytest.raises(OSError, match="disk full"):
        await commit(failing, sorted_entries(range(3000)))
    assert [info.key async for info in store.store.list("manifests/roots/")] == []


async def test_a_damaged_or_missing_page_is_reported_never_listed(service):
    store = service.repository.store

    async def pages_of(digest: str) -> list[str]:
        root = await service.repository.get_root(digest)
        return [f"manifests/pages/{object_key(page.digest)}" for page in root.pages]

    async def list_all(digest: str) -> list[str]:
        fresh = ManifestService(ManifestRepository(store))
        paths, after = [], None
        while True:
            page = await fresh.list_files(digest, after=after, limit=500)
            paths += page.paths
            if page.next is None:
                return paths
            after = page.next

    damaged = await commit(service, sorted_entries(range(3000)))
    key = (await pages_of(damaged))[5]
    await store.delete(key)
    await store.put_if_absent(key, zlib.compress(b'{"path":"x"}\n'))
    with pytest.raises(CorruptObject, match="does not match its digest"):
        await list_all(damaged)

    lost = await commit(service, sorted_entries(range(3000, 6000)))
    await store.delete((await pages_of(lost))[-1])
    with pytest.raises(CorruptObject, match="missing from the object store"):
        await list_all(lost)


class _CountingReads:
    """An object store that remembers every key read through ``get_many``."""

    def __init__(self, store) -> None:
        self.store = store
        self.read: list[str] = []

    def __getattr__(self, name):
        return getattr(self.store, name)

    async def get_many(self, keys, max_bytes=4 << 20):
        found = await self.store.get_many(keys, max_bytes)
        self.read += list(keys)[: len(found)]
        return found


async def test_a_prefix_listing_reads_no_page_past_the_prefix(service):
    everything = sorted_entries(range(6000))
    digest = await commit(service, everything)
    counting = _CountingReads(service.repository.store)
    fresh = ManifestService(ManifestRepository(counting))
    root = await fresh.repository.get_root(digest)
    listed = await fresh.list_files(digest, prefix="d42/", limit=10_000)
    assert listed.paths == [item.path for item in everything if item.path.startswith("d42/")]
    beyond = {
        f"manifests/pages/{object_key(page.digest)}"
        for page in root.pages
        if page.first_path > "d42/" and not page.first_path.startswith("d42/")
    }
    assert counting.read and not beyond & set(counting.read)
