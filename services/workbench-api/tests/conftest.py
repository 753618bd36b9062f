"""Fixtures of workbench-api's tests: the gateway and the services behind it as real processes."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kamld_testing.processes import ServiceProcess, env_prefix, free_ports, launch_service, stop_services

BACKENDS = ("metadata-hub", "storage-gateway", "observation-hub", "trainer")


@dataclass
class Gateway:
    """A running workbench-api with its backends, and an admin token for it."""

    url: str
    admin_token: str
    home: Path
    transfer_key: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)

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


def start_services(home: Path, extra_env: dict[str, str] | None = None) -> Gateway:
    """The backends and the gateway started together, returned once every one is ready.

    ``extra_env`` is applied last, so it can change or blank any of the settings made here.

    The gateway issues transfer grants for the storage-gateway it runs, which shares its key.
    """
    names = [*BACKENDS, "workbench-api"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    admin_token = "kamld_" + secrets.token_urlsafe(32)
    transfer_key = secrets.token_urlsafe(32)
    gateway_prefix = env_prefix("workbench-api")
    env = {
        **{env_prefix(name) + "LOG_FORMAT": "console" for name in names},
        gateway_prefix + "METADATA_HUB_URL": f"http://127.0.0.1:{ports['metadata-hub']}",
        gateway_prefix + "STORAGE_GATEWAY_URL": f"http://127.0.0.1:{ports['storage-gateway']}",
        **{
            env_prefix(name) + "OBSERVATION_HUB_URL": f"http://127.0.0.1:{ports['observation-hub']}"
            for name in ("workbench-api", "metadata-hub", "storage-gateway")
        },
        env_prefix("observation-hub") + "SERVICE_URLS": json.dumps(
            {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        ),
        gateway_prefix + "TRAINER_URL": f"http://127.0.0.1:{ports['trainer']}",
        # runs are recorded, not executed, here (tests/integration executes them)
        env_prefix("trainer") + "EXECUTOR": "false",
        env_prefix("storage-gateway") + "METADATA_HUB_URL": f"http://127.0.0.1:{ports['metadata-hub']}",
        env_prefix("metadata-hub") + "STORAGE_GATEWAY_URL": f"http://127.0.0.1:{ports['storage-gateway']}",
        gateway_prefix + "BOOTSTRAP_ADMIN_TOKEN": admin_token,
        gateway_prefix + "TRANSFER_KEY": transfer_key,
        gateway_prefix + "STORAGE_PUBLIC_URL": f"http://127.0.0.1:{ports['storage-gateway']}/",
        env_prefix("storage-gateway") + "TRANSFER_KEY": transfer_key,
        **(extra_env or {}),
    }
    gateway = Gateway(
        url=f"http://127.0.0.1:{ports['workbench-api']}",
        admin_token=admin_token,
        home=home,
        transfer_key=transfer_key,
    )
    try:
        for name in names:
            gateway.services[name] = launch_service(
                name, home=home, port=ports[name], env=env, log_level=None
            )
        for service in gateway.services.values():
            # workbench-api is ready only with every backend; observation-hub is not run here.
            service.wait_ready(probe="/healthz" if service.service == "workbench-api" else "/readyz")
    except BaseException:
        stop_services(*gateway.services.values())
        raise
    return gateway


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """workbench-api, metadata-hub and storage-gateway on SQLite and local files, as processes."""
    started = start_services(tmp_path_factory.mktemp("kamld-home"))
    yield started
    stop_services(*started.services.values())


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
