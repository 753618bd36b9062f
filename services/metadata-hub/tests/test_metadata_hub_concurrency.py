"""Concurrent writers: pushes get distinct consecutive numbers, compare-and-set has one winner.

Run in-process on SQLite and PostgreSQL, and across two real metadata-hub processes that share
one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from kamld_testing.processes import ServiceProcess, launch_service, stop_services

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


async def _race_identical_pushes(clients: list[httpx.AsyncClient], name: str, make_digest) -> None:
    """Writers pushing the same new content at once: one records it, every other one is a no-op."""
    first = await clients[0].post(f"/artifacts/{name}/versions", json=_body(make_digest))
    assert first.status_code == 201
    same = make_digest()
    responses = await asyncio.gather(
        *(
            clients[i % len(clients)].post(f"/artifacts/{name}/versions", json=_body(lambda: same, kind=None))
            for i in range(WRITERS)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] * (WRITERS - 1) + [201], [
        r.text for r in responses
    ]
    assert {(r.json()["number"], r.json()["unchanged"]) for r in responses} == {(2, False), (2, True)}
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


async def test_identical_pushes_race_in_process(client, unique, make_digest):
    await _race_identical_pushes([client], f"same-{unique}", make_digest)


async def test_alias_compare_and_set_race_in_process(client, unique, make_digest):
    await _race_alias([client], f"alias-{unique}", make_digest)


@pytest.fixture(scope="module")
def replicas(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServiceProcess]]:
    """Two metadata-hub processes on free ports, started together on one PostgreSQL database."""
    started: list[ServiceProcess] = []
    try:
        for index in range(2):
            home = tmp_path_factory.mktemp(f"replica{index}")
            env = {"KAMLD_METADATA_HUB_DATABASE_URL": postgres_url}
            started.append(launch_service("metadata-hub", home=home, env=env))
        for replica in started:
            replica.wait_ready()
        yield started
    finally:
        stop_services(*started)


@pytest.fixture
async def replica_clients(replicas: list[ServiceProcess]) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [
        httpx.AsyncClient(
            base_url=replica.url, timeout=30, headers={"X-Kamld-Caller": "carol", **replica.internal_headers}
        )
        for replica in replicas
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
async def test_identical_pushes_race_across_two_replicas(replica_clients, unique, make_digest):
    await _race_identical_pushes(replica_clients, f"same2-{unique}", make_digest)


@pytest.mark.postgres
@pytest.mark.integration
async def test_alias_compare_and_set_race_across_two_replicas(replica_clients, unique, make_digest):
    await _race_alias(replica_clients, f"alias2-{unique}", make_digest)
    author = (await replica_clients[1].get(f"/artifacts/alias2-{unique}/versions/v1")).json()["author"]
    assert author == "carol"
