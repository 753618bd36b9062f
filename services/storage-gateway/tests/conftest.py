"""Object stores for the storage-gateway tests: a local directory, and S3 on a real SeaweedFS server."""

from __future__ import annotations

import secrets

import pytest

from kamld_storage_gateway.objectstore import LocalObjectStore, S3ObjectStore
from kamld_testing.seaweedfs import S3Endpoint, SeaweedFSUnavailable, run_seaweedfs
from kamld_testing.storage_processes import (  # noqa: F401 - pytest finds fixtures by name
    any_gateway,
    gateway,
    metadata_hub,
    postgres_gateway,
)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory):
    """One SeaweedFS S3 server for the whole session (it also opens fixed ports); skipped if absent."""
    try:
        with run_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
            yield endpoint
    except SeaweedFSUnavailable as exc:
        pytest.skip(f"SeaweedFS S3 server unavailable: {exc}")


def make_s3_store(endpoint: S3Endpoint, **overrides) -> S3ObjectStore:
    """A store on the session server; a fresh key prefix keeps tests apart."""
    options = {
        "endpoint": endpoint.url,
        "access_key": endpoint.access_key,
        "secret_key": endpoint.secret_key,
        "bucket": endpoint.bucket,
        "region": endpoint.region,
        "prefix": "t-" + secrets.token_hex(6),
    }
    options.update(overrides)
    return S3ObjectStore(**options)


@pytest.fixture
def s3_store_factory(seaweedfs):
    stores: list[S3ObjectStore] = []

    def factory(**overrides) -> S3ObjectStore:
        store = make_s3_store(seaweedfs, **overrides)
        stores.append(store)
        return store

    yield factory
    for store in stores:
        store.close()


@pytest.fixture
def external_s3_store():
    """A store on the S3 server named by KAMLD_TEST_S3_ENDPOINT (MinIO, AWS S3, Ceph RGW).

    Skipped when that variable is unset.
    """
    import os

    endpoint = os.environ.get("KAMLD_TEST_S3_ENDPOINT")
    if not endpoint:
        pytest.skip("KAMLD_TEST_S3_ENDPOINT is not set: no external S3 server to test against")
    store = S3ObjectStore(
        endpoint=endpoint,
        access_key=os.environ.get("KAMLD_TEST_S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("KAMLD_TEST_S3_SECRET_KEY", ""),
        bucket=os.environ.get("KAMLD_TEST_S3_BUCKET", "kamld-test"),
        region=os.environ.get("KAMLD_TEST_S3_REGION") or None,
        secure=endpoint.startswith("https://"),
        prefix="t-" + secrets.token_hex(6),
    )
    yield store
    store.close()


@pytest.fixture(
    params=[
        "local",
        "local-unpacked",
        "local-direct",
        pytest.param("s3", marks=pytest.mark.s3),
        pytest.param("external-s3", marks=pytest.mark.s3),
    ]
)
def object_store(request, tmp_path):
    """Every backend in turn, so one test holds each to the same contract."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    if request.param == "local-unpacked":
        return LocalObjectStore(tmp_path / "objects", pack_below=0)
    if request.param == "local-direct":
        # Every object of a batch a file of its own, written and read around the page cache.
        return LocalObjectStore(tmp_path / "objects", pack_below=0, direct_io=True)
    if request.param == "external-s3":
        return request.getfixturevalue("external_s3_store")
    return request.getfixturevalue("s3_store_factory")()
