"""Fixtures of workbench-api's tests: the gateway and the services behind it as real processes."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

BACKENDS = {"metadata-hub": "kamld_metadata_hub", "storage-gateway": "kamld_storage_gateway"}


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now, held open together so that they differ."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def env_prefix(service: str) -> str:
    return "KAMLD_" + service.upper().replace("-", "_") + "_"


@dataclass
class Gateway:
    """A running workbench-api with its backends, and an admin token for it."""

    url: str
    admin_token: str
    home: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)

    def token(self, role: str) -> str:
        """A fresh token with ``role``, created through the API."""
        with self.client(self.admin_token) as admin:
            body = {"name": f"{role}-{secrets.token_hex(4)}", "role": role}
            answer = admin.post("/api/v1/tokens", json=body)
            answer.raise_for_status()
            return answer.json()["token"]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy:\n{log.read_text()[-4000:]}")


def start_services(home: Path, extra_env: dict[str, str] | None = None) -> Gateway:
    names = [*BACKENDS, "workbench-api"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    admin_token = "kamld_" + secrets.token_urlsafe(32)
    env = {**os.environ, "KAMLD_HOME": str(home), **(extra_env or {})}
    for name, port in ports.items():
        env[env_prefix(name) + "PORT"] = str(port)
        env[env_prefix(name) + "LOG_FORMAT"] = "console"
    env["KAMLD_WORKBENCH_API_METADATA_HUB_URL"] = f"http://127.0.0.1:{ports['metadata-hub']}"
    env["KAMLD_WORKBENCH_API_STORAGE_GATEWAY_URL"] = f"http://127.0.0.1:{ports['storage-gateway']}"
    env["KAMLD_WORKBENCH_API_BOOTSTRAP_ADMIN_TOKEN"] = admin_token
    gateway = Gateway(url=f"http://127.0.0.1:{ports['workbench-api']}", admin_token=admin_token, home=home)
    modules = {**BACKENDS, "workbench-api": "kamld_workbench_api"}
    try:
        for name, module in modules.items():
            with (home / f"{name}.log").open("wb") as log:
                gateway.processes[name] = subprocess.Popen(
                    [sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT
                )
        for name, process in gateway.processes.items():
            _wait_healthy(f"http://127.0.0.1:{ports[name]}", process, home / f"{name}.log", timeout=60.0)
    except BaseException:
        stop_services(gateway)
        raise
    return gateway


def stop_services(gateway: Gateway) -> None:
    for process in reversed(list(gateway.processes.values())):
        process.terminate()
    for process in gateway.processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """workbench-api, metadata-hub and storage-gateway on SQLite and local files, as processes."""
    started = start_services(tmp_path_factory.mktemp("kamld-home"))
    yield started
    stop_services(started)


@pytest.fixture(scope="session")
def tokens(gateway: Gateway) -> dict[str, str]:
    """One token per role (admin is the bootstrap token)."""
    return {
        "viewer": gateway.token("viewer"),
        "editor": gateway.token("editor"),
        "admin": gateway.admin_token,
    }


def push_files(client: httpx.Client, name: str, files: dict[str, bytes], **version: object) -> dict:
    """A version made the way a client that cannot chunk makes one: whole files, commit, record."""
    upload = client.post("/api/v1/uploads").raise_for_status().json()["id"]
    for path, data in sorted(files.items()):
        client.put(f"/api/v1/uploads/{upload}/files/{path}", content=data).raise_for_status()
    commit = (
        client.post(
            f"/api/v1/uploads/{upload}/commit", content=b"", headers={"Content-Type": "application/x-ndjson"}
        )
        .raise_for_status()
        .json()
    )
    answer = client.post(f"/api/v1/artifacts/{name}/versions", json={"digest": commit["digest"], **version})
    return answer.raise_for_status().json()


@pytest.fixture(scope="session")
def push():
    """``push(client, name, {path: bytes}, **version_fields)`` -> the new version's JSON."""
    return push_files
