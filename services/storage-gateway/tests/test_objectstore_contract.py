"""The contract every object store backend must keep, run against each of them."""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
import urllib3

from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.objectstore import (
    InvalidKey,
    LocalObjectStore,
    MeteredObjectStore,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    S3ObjectStore,
    create_object_store,
)

BAD_KEYS = [
    "",
    "/abs",
    "../x",
    "a/../b",
    "a//b",
    "a/./b",
    ".hidden",
    "a/.tmp",
    "a\\b",
    "a\x00b",
    "a\nb",
    "a/",
    "k" * 1025,
]


async def collect(store: ObjectStore, prefix: str = "") -> list[str]:
    return [info.key async for info in store.list(prefix)]


async def test_backend_satisfies_the_protocol(object_store):
    assert isinstance(object_store, ObjectStore)
    await object_store.check()


async def test_put_if_absent_writes_once_and_never_overwrites(object_store):
    key = object_key(digest_bytes(b"first"))
    assert await object_store.put_if_absent(key, b"first") is True
    assert await object_store.put_if_absent(key, b"second") is False
    assert await object_store.get(key) == b"first"


async def test_put_many_writes_each_absent_object_once(object_store):
    existing = object_key(digest_bytes(b"already there"))
    assert await object_store.put_if_absent(existing, b"already there")
    items = [(object_key(digest_bytes(bytes([i]) * 100)), bytes([i]) * 100) for i in range(40)]
    written = await object_store.put_many_if_absent([*items, items[0], (existing, b"other bytes")])
    assert written == {key for key, _ in items}
    assert await object_store.get(existing) == b"already there"
    for key, data in items:
        assert await object_store.get(key) == data
    assert await object_store.put_many_if_absent(items) == set()
    assert await object_store.put_many_if_absent([]) == set()


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
async def test_local_batches_leave_no_temporary_files(tmp_path, monkeypatch, syncfs):
    from kamld_storage_gateway.objectstore import local

    if not syncfs:
        monkeypatch.setattr(local, "_SYNCFS", None)
    store = LocalObjectStore(tmp_path / "objects", pack_below=0)
    items = [(object_key(digest_bytes(str(i).encode())), str(i).encode()) for i in range(300)]
    assert await store.put_many_if_absent(items[:100]) == {key for key, _ in items[:100]}
    assert await store.put_many_if_absent(items) == {key for key, _ in items[100:]}
    on_disk = [p for p in (tmp_path / "objects").rglob("*") if p.is_file()]
    assert len(on_disk) == 300
    assert not [p for p in on_disk if p.name.startswith(".")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in on_disk)


async def test_put_many_refuses_a_bad_key_before_writing_anything(object_store):
    good = object_key(digest_bytes(b"good"))
    with pytest.raises(InvalidKey):
        await object_store.put_many_if_absent([(good, b"good"), ("../escape", b"bad")])
    assert await object_store.stat(good) is None


async def test_empty_objects_round_trip(object_store):
    assert await object_store.put_if_absent("manifests/empty", b"")
    assert await object_store.get("manifests/empty") == b""
    assert (await object_store.stat("manifests/empty")).size == 0


async def test_missing_objects(object_store):
    with pytest.raises(ObjectNotFound):
        await object_store.get("blake3/00/missing")
    with pytest.raises(ObjectNotFound):
        await object_store.get_range("blake3/00/missing", 0, 10)
    assert await object_store.stat("blake3/00/missing") is None
    assert await object_store.exists_many(["blake3/00/missing"]) == set()


async def test_get_range_reads_part_of_an_object(object_store):
    data = bytes(range(256)) * 40
    await object_store.put_if_absent("r/obj", data)
    assert await object_store.get_range("r/obj", 0, 10) == data[:10]
    assert await object_store.get_range("r/obj", 1000, 500) == data[1000:1500]
    assert await object_store.get_range("r/obj", len(data) - 5, 100) == data[-5:]
    assert await object_store.get_range("r/obj", len(data) + 10, 100) == b""
    assert await object_store.get_range("r/obj", 3, 0) == b""
    with pytest.raises(ValueError):
        await object_store.get_range("r/obj", -1, 5)


async def test_stat_reports_size_and_recent_time(object_store):
    await object_store.put_if_absent("s/obj", b"x" * 1234)
    info = await object_store.stat("s/obj")
    assert info.key == "s/obj"
    assert info.size == 1234
    assert info.modified.tzinfo is not None
    assert abs(datetime.now(UTC) - info.modified) < timedelta(minutes=5)


async def test_exists_many_returns_the_present_subset(object_store):
    for name in ("a", "b", "c"):
        await object_store.put_if_absent(f"e/{name}", name.encode())
    found = await object_store.exists_many(["e/a", "e/c", "e/zz", "e/a", "e/b/deeper"])
    assert found == {"e/a", "e/c"}


async def test_sizes_many_returns_the_size_of_each_present_key(object_store):
    await object_store.put_many_if_absent([("s/small", b"abc"), ("s/large", b"x" * (300 << 10))])
    await object_store.put_if_absent("s/single", b"")
    found = await object_store.sizes_many(["s/small", "s/large", "s/gone", "s/small", "s/single"])
    assert found == {"s/small": 3, "s/large": 300 << 10, "s/single": 0}
    assert await object_store.sizes_many([]) == {}


async def test_delete_removes_and_tolerates_absence(object_store):
    await object_store.put_if_absent("d/obj", b"bye")
    await object_store.delete("d/obj")
    assert await object_store.stat("d/obj") is None
    await object_store.delete("d/obj")
    await object_store.delete("d/never-existed")
    assert await object_store.put_if_absent("d/obj", b"again") is True
    assert await object_store.get("d/obj") == b"again"


async def test_list_filters_by_any_prefix_in_key_order(object_store):
    """Content keys (fixed-width components) come in key order; other names may come in any order."""
    keys = ["blake3/ab/1", "blake3/ab/2", "blake3/ac/1", "blake3/b0/1", "manifests/x", "a.b", "a/b", "a0"]
    for key in keys:
        await object_store.put_if_absent(key, key.encode())
    assert sorted(await collect(object_store)) == sorted(keys)
    assert await collect(object_store, "blake3/") == [
        "blake3/ab/1",
        "blake3/ab/2",
        "blake3/ac/1",
        "blake3/b0/1",
    ]
    assert await collect(object_store, "blake3/a") == ["blake3/ab/1", "blake3/ab/2", "blake3/ac/1"]
    assert await collect(object_store, "blake3/ab/") == ["blake3/ab/1", "blake3/ab/2"]
    assert await collect(object_store, "blake3/ab/2") == ["blake3/ab/2"]
    assert await collect(object_store, "nothing") == []
    sizes = {info.key: info.size async for info in object_store.list("manifests/")}
    assert sizes == {"manifests/x": len(b"manifests/x")}


async def test_concurrent_writers_of_one_key_leave_one_intact_object(object_store):
    data = os.urandom(300_000)
    key = object_key(digest_bytes(data))
    results = await asyncio.gather(*(object_store.put_if_absent(key, data) for _ in range(8)))
    assert any(results)
    assert await object_store.get(key) == data
    assert await collect(object_store) == [key]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_keys_that_could_escape_or_confuse_are_rejected(object_store, key):
    with pytest.raises(InvalidKey):
        await object_store.put_if_absent(key, b"x")
    with pytest.raises(InvalidKey):
        await object_store.get(key)
    with pytest.raises(InvalidKey):
        await object_store.stat(key)
    with pytest.raises(InvalidKey):
        await object_store.exists_many(["ok/key", key])
    with pytest.raises(InvalidKey):
        await object_store.delete(key)


async def test_presigned_url_serves_the_object_or_is_absent(object_store):
    await object_store.put_if_absent("p/obj", b"presigned bytes")
    url = await object_store.presign_get("p/obj", expires_s=60)
    if isinstance(object_store, LocalObjectStore):
        assert url is None
        return
    response = await asyncio.to_thread(urllib3.request, "GET", url)
    assert response.status == 200
    assert response.data == b"presigned bytes"


async def test_metered_wrapper_keeps_the_contract_and_counts(object_store):
    from prometheus_client import REGISTRY

    metered = MeteredObjectStore(object_store)
    labels = {"backend": object_store.name, "operation": "put"}

    def sample(name: str, **extra) -> float:
        return REGISTRY.get_sample_value(name, {**labels, **extra}) or 0.0

    puts_before = sample("kamld_storage_object_operations_total", outcome="ok")
    bytes_before = sample("kamld_storage_object_bytes_total")
    misses_before = (
        REGISTRY.get_sample_value(
            "kamld_storage_object_operations_total",
            {"backend": object_store.name, "operation": "get", "outcome": "not_found"},
        )
        or 0.0
    )
    assert await metered.put_if_absent("m/obj", b"12345") is True
    assert await metered.put_if_absent("m/obj", b"12345") is False
    with pytest.raises(ObjectNotFound):
        await metered.get("m/missing")
    assert [info.key async for info in metered.list("m/")] == ["m/obj"]
    assert sample("kamld_storage_object_operations_total", outcome="ok") == puts_before + 2
    assert sample("kamld_storage_object_bytes_total") == bytes_before + 5
    assert (
        REGISTRY.get_sample_value(
            "kamld_storage_object_operations_total",
            {"backend": object_store.name, "operation": "get", "outcome": "not_found"},
        )
        == misses_before + 1
    )
    assert (REGISTRY.get_sample_value("kamld_storage_object_operation_seconds_count", labels) or 0) >= 2


# -- local backend specifics --------------------------------------------------------------------


async def test_local_objects_are_read_only_files_in_the_key_layout(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    digest = digest_bytes(b"layout")
    hex_part = digest.split(":")[1]
    await store.put_if_absent(object_key(digest), b"layout")
    path = tmp_path / "objects" / "blake3" / hex_part[:2] / hex_part[2:]
    assert path.read_bytes() == b"layout"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in path.parent.iterdir()) == [hex_part[2:]]


async def test_local_concurrent_writers_report_exactly_one_write(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    results = await asyncio.gather(*(store.put_if_absent("k/one", b"same") for _ in range(16)))
    assert results.count(True) == 1


async def test_local_listing_ignores_leftover_temporary_files(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    await store.put_if_absent("k/real", b"1")
    (tmp_path / "objects" / "k" / ".real.x1.tmp").write_bytes(b"partial")
    assert await collect(store) == ["k/real"]


async def test_local_check_fails_when_the_directory_is_gone(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    (tmp_path / "objects").rmdir()
    with pytest.raises(ObjectStoreUnavailable):
        await store.check()


# -- S3 backend specifics -----------------------------------------------------------------------


@pytest.mark.s3
async def test_s3_wrong_secret_key_is_refused(s3_store_factory):
    store = s3_store_factory(secret_key="not-the-secret", create_bucket=False)
    with pytest.raises(ObjectStoreUnavailable) as caught:
        await store.put_if_absent("x/y", b"data")
    assert "SignatureDoesNotMatch" in caught.value.detail or "AccessDenied" in caught.value.detail
    with pytest.raises(ObjectStoreUnavailable):
        await store.check()


@pytest.mark.s3
async def test_s3_creates_a_missing_bucket(s3_store_factory):
    store = s3_store_factory(bucket="created-on-use")
    assert await store.put_if_absent("k", b"v") is True
    assert await store.get("k") == b"v"


@pytest.mark.s3
async def test_s3_missing_bucket_without_creation_is_unavailable(s3_store_factory):
    store = s3_store_factory(bucket="never-created", create_bucket=False)
    with pytest.raises(ObjectStoreUnavailable):
        await store.check()


@pytest.mark.s3
async def test_s3_prefixes_keep_stores_apart(s3_store_factory):
    first, second = s3_store_factory(), s3_store_factory()
    await first.put_if_absent("k", b"1")
    assert await second.stat("k") is None
    assert await collect(second) == []


async def test_s3_unreachable_endpoint_is_unavailable():
    store = S3ObjectStore("127.0.0.1:9", "key", "secret", "bucket", secure=False, connect_timeout_s=0.5)
    try:
        with pytest.raises(ObjectStoreUnavailable):
            await store.get("k")
    finally:
        store.close()


# -- factory ------------------------------------------------------------------------------------


def test_factory_builds_the_configured_backend(tmp_path):
    store = create_object_store(Settings(data_dir=tmp_path))
    assert isinstance(store, MeteredObjectStore)
    assert isinstance(store.inner, LocalObjectStore)
    assert store.inner.root == tmp_path / "objects"
    assert store.inner.direct_io is True
    buffered = create_object_store(Settings(data_dir=tmp_path, local_direct_io=False), metered=False)
    assert buffered.direct_io is False
    s3 = create_object_store(
        Settings(
            data_dir=tmp_path,
            object_store="s3",
            s3_endpoint="http://127.0.0.1:9",
            s3_access_key="a",
            s3_secret_key="b",
        ),
        metered=False,
    )
    assert isinstance(s3, S3ObjectStore)
    s3.close()


def test_factory_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KAMLD_STORAGE_GATEWAY_OBJECT_STORE", "local")
    monkeypatch.setenv("KAMLD_STORAGE_GATEWAY_LOCAL_ROOT", str(tmp_path / "elsewhere"))
    store = create_object_store(Settings(), metered=False)
    assert store.root == tmp_path / "elsewhere"


def test_factory_names_the_valid_backends(tmp_path):
    with pytest.raises(ValueError, match="valid: local, s3"):
        create_object_store(Settings(data_dir=tmp_path, object_store="gcs"))
    with pytest.raises(ValueError, match="KAMLD_STORAGE_GATEWAY_S3_ENDPOINT"):
        create_object_store(Settings(data_dir=tmp_path, object_store="s3"))


async def test_get_many_returns_a_prefix_in_order_within_the_byte_budget(object_store):
    items = [(object_key(digest_bytes(bytes([i]) * 500)), bytes([i]) * 500) for i in range(20)]
    await object_store.put_many_if_absent(items[:10])
    for key, data in items[10:]:
        await object_store.put_if_absent(key, data)
    keys = [key for key, _ in items][::-1]
    expected = [data for _, data in items][::-1]
    assert await object_store.get_many(keys, 1 << 20) == expected
    partial = await object_store.get_many(keys, 1200)
    assert 1 <= len(partial) < len(keys)
    assert partial == expected[: len(partial)]
    assert await object_store.get_many([], 100) == []
    with pytest.raises(ObjectNotFound):
        await object_store.get_many([keys[0], "blake3/00/missing"], 1 << 20)
