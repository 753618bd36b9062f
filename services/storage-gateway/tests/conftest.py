"""Object stores for the storage-gateway tests: a local directory, and S3 on a real SeaweedFS server."""

from __future__ import annotations

import secrets

import pytest

from kamld_storage_gateway.objectstore import LocalObjectStore, S3ObjectStore
from kamld_testing.seaweedfs import S3Endpoint, SeaweedFSUnavailable, run_seaweedfs


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


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def object_store(request, tmp_path):
    """Every backend in turn, so one test holds each to the same contract."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    return request.getfixturevalue("s3_store_factory")()
