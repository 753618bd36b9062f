"""Concurrent writers: pushes get distinct consecutive numbers, compare-and-set has one winner.

Run in-process on SQLite and PostgreSQL, and across two real metadata-hub processes that share
one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

WRITERS = 20


def _body(make_digest, **extra: object) -> dict:
    return {"digest": make_digest(), "file_count": 1, "total_bytes": 1, "kind": "dataset", **extra}


async def _concurrent_pushes(
    clients: list[httpx.AsyncClient], name: str, make_digest, **extra
) -> list[httpx.Response]:
    return await asyncio.gather(
        *(
            clients[i % len(clients)].post(f"/artifacts/{name}/versions", json=_body(make_digest, **extra))
            for i in range(WRITERS)
        )
    )


async def _assert_linear_history(client: httpx.AsyncClient, name: str, count: int) -> None:
    log = (await client.get(f"/artifacts/{name}/versions", params={"limit": 1000})).json()["items"]
    assert [v["number"] for v in log] == list(range(count, 0, -1))
    for version in log:
        expected_parents = [version["number"] - 1] if version["number"] > 1 else []
        assert [p["number"] for p in version["parents"]] == expected_parents
    latest = (await client.get(f"/artifacts/{name}/aliases/latest/history", params={"limit": 1000})).json()
    assert len(latest["items"]) == count
    assert (await client.get(f"/artifacts/{name}/versions/latest")).json()["number"] == count


async def _race_pushes(clients: list[httpx.AsyncClient], name: str, make_digest) -> None:
    responses = await _concurrent_pushes(clients, name, make_digest)
    assert [r.status_code for r in responses] == [201] * WRITERS, [
        r.text for r in responses if r.status_code != 201
    ]
    assert sorted(r.json()["number"] for r in responses) == list(range(1, WRITERS + 1))
    await _assert_linear_history(clients[0], name, WRITERS)


async def _race_expected_parent(clients: list[httpx.AsyncClient], name: str, make_digest) -> None:
    first = await clients[0].post(f"/artifacts/{name}/versions", json=_body(make_digest))
    assert first.status_code == 201
    responses = await _concurrent_pushes(clients, name, make_digest, expected_parent="v1")
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (WRITERS - 1), [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"parent_mismatch"}
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert winner["number"] == 2
    await _assert_linear_history(clients[0], name, 2)


async def _race_alias(clients: list[httpx.AsyncClient], name: str, make_digest) -> None:
    for _ in range(WRITERS + 1):
        assert (
            await clients[0].post(f"/artifacts/{name}/versions", json=_body(make_digest))
        ).status_code == 201
    await clients[0].put(f"/artifacts/{name}/aliases/production", json={"version": "v1"})
    responses = await asyncio.gather(
        *(
            clients[i % len(clients)].put(
                f"/artifacts/{name}/aliases/production",
                json={"version": f"v{i + 2}", "expected_version": "v1"},
            )
            for i in range(WRITERS)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * (WRITERS - 1), [
        r.text for r in responses
    ]
    winner = next(r.json() for r in responses if r.status_code == 200)
    current = (await clients[0].get(f"/artifacts/{name}/versions/production")).json()
    assert current["number"] == winner["version"]["number"]
    history = (await clients[0].get(f"/artifacts/{name}/aliases/production/history")).json()["items"]
    assert [(e["from_version"], e["to_version"]) for e in history] == [(1, current["number"]), (None, 1)]


async def test_concurrent_pushes_in_process(client, unique, make_digest):
    await _race_pushes([client], f"race-{unique}", make_digest)


async def test_expected_parent_race_in_process(client, unique, make_digest):
    await _race_expected_parent([client], f"cas-{unique}", make_digest)


async def test_alias_compare_and_set_race_in_process(client, unique, make_digest):
    await _race_alias([client], f"alias-{unique}", make_digest)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def replicas(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two metadata-hub processes on free ports, started together on one PostgreSQL database."""
    processes: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        for index in range(2):
            port = _free_port()
            home = tmp_path_factory.mktemp(f"replica{index}")
            log = home / "server.log"
            env = {
                **os.environ,
                "KAMLD_HOME": str(home),
                "KAMLD_METADATA_HUB_PORT": str(port),
                "KAMLD_METADATA_HUB_DATABASE_URL": postgres_url,
                "KAMLD_METADATA_HUB_LOG_LEVEL": "warning",
            }
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "kamld_metadata_hub"],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append((process, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + 60
        for process, url, log in processes:
            while True:
                if process.poll() is not None:
                    pytest.fail(f"replica at {url} exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"replica at {url} not ready in 60 s: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield [url for _, url, _ in processes]
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
async def replica_clients(replicas: list[str]) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [
        httpx.AsyncClient(base_url=url, timeout=30, headers={"X-Kamld-Caller": "carol"}) for url in replicas
    ]
    try:
        yield clients
    finally:
        for http in clients:
            await http.aclose()


@pytest.mark.postgres
@pytest.mark.integration
async def test_concurrent_pushes_across_two_replicas(replica_clients, unique, make_digest):
    await _race_pushes(replica_clients, f"race2-{unique}", make_digest)


@pytest.mark.postgres
@pytest.mark.integration
async def test_expected_parent_race_across_two_replicas(replica_clients, unique, make_digest):
    await _race_expected_parent(replica_clients, f"cas2-{unique}", make_digest)


@pytest.mark.postgres
@pytest.mark.integration
async def test_alias_compare_and_set_race_across_two_replicas(replica_clients, unique, make_digest):
    await _race_alias(replica_clients, f"alias2-{unique}", make_digest)
    author = (await replica_clients[1].get(f"/artifacts/alias2-{unique}/versions/v1")).json()["author"]
    assert author == "carol"
