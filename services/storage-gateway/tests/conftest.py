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


@pytest.fixture
def external_s3_store():
    """A store on the S3 server named by KAMLD_TEST_S3_ENDPOINT (MinIO, AWS S3, Ceph RGW); skipped if unset."""
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
    params=["local", pytest.param("s3", marks=pytest.mark.s3), pytest.param("external-s3", marks=pytest.mark.s3)]
)
def object_store(request, tmp_path):
    """Every backend in turn, so one test holds each to the same contract."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    if request.param == "external-s3":
        return request.getfixturevalue("external_s3_store")
    return request.getfixturevalue("s3_store_factory")()


# -- storage-gateway (and metadata-hub) as real processes ------------------------------------------

import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
from kamld_testing.postgres import PostgresUnavailable, fresh_postgres_database  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningService:
    url: str
    home: Path
    process: subprocess.Popen

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)


def start_service(module: str, prefix: str, home: Path, env: dict[str, str] | None = None) -> RunningService:
    """``python -m <module>`` on a free port with KAMLD_HOME=home; returns once /readyz answers 200."""
    port = free_port()
    environment = {
        **os.environ,
        "KAMLD_HOME": str(home),
        f"{prefix}PORT": str(port),
        f"{prefix}LOG_LEVEL": "warning",
        **(env or {}),
    }
    log = open(home / f"{module}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([sys.executable, "-m", module], env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{module} exited: {(home / f'{module}.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return RunningService(url, home, process)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{module} did not become ready: {(home / f'{module}.log').read_text()[-2000:]}")


def stop_service(service: RunningService) -> None:
    service.process.terminate()
    try:
        service.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        service.process.kill()
        service.process.wait()


GATEWAY_PREFIX = "KAMLD_STORAGE_GATEWAY_"


@pytest.fixture(scope="session")
def metadata_hub(tmp_path_factory):
    service = start_service("kamld_metadata_hub", "KAMLD_METADATA_HUB_", tmp_path_factory.mktemp("hub-home"))
    yield service
    stop_service(service)


@pytest.fixture(scope="session")
def gateway(tmp_path_factory, metadata_hub):
    """storage-gateway on SQLite and a local object store, pointed at the real metadata-hub."""
    home = tmp_path_factory.mktemp("gateway-home")
    service = start_service(
        "kamld_storage_gateway", GATEWAY_PREFIX, home,
        {f"{GATEWAY_PREFIX}METADATA_HUB_URL": metadata_hub.url, f"{GATEWAY_PREFIX}MAX_BATCH_BYTES": str(12 << 20)},
    )
    yield service
    stop_service(service)


@pytest.fixture(scope="session")
def postgres_gateway(tmp_path_factory):
    """storage-gateway whose upload sessions live in a fresh PostgreSQL database (dropped after)."""
    try:
        database = fresh_postgres_database()
        url = database.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    home = tmp_path_factory.mktemp("gateway-pg-home")
    service = start_service("kamld_storage_gateway", GATEWAY_PREFIX, home, {f"{GATEWAY_PREFIX}DATABASE_URL": url})
    yield service
    stop_service(service)
    database.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_gateway(request) -> RunningService:
    """Each session store in turn: SQLite (embedded default) and PostgreSQL."""
    return request.getfixturevalue("gateway" if request.param == "sqlite" else "postgres_gateway")
