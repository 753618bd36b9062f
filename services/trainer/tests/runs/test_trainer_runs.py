"""Runs over HTTP: queuing, validation, reading, listing and paging."""

from __future__ import annotations

import uuid

import httpx
import pytest


def unique_artifact() -> str:
    return f"resnet-{uuid.uuid4().hex[:12]}"


def run_spec(artifact: str, **overrides: object) -> dict[str, object]:
    return {
        "name": "nightly",
        "artifact": artifact,
        "inputs": ["faces:v3", "faces-labels:production"],
        "command": ["python", "train.py", "--epochs", "3"],
        "params": {"lr": 0.001, "layers": [64, 32]},
        **overrides,
    }


def error_locations(response: httpx.Response) -> list[list[object]]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [item["loc"] for item in response.json()["errors"]]


async def test_a_new_run_is_queued(client: httpx.AsyncClient) -> None:
    artifact = unique_artifact()
    response = await client.post("/runs", json=run_spec(artifact))
    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "queued"
    assert uuid.UUID(run["id"])
    assert run["artifact"] == artifact
    assert run["inputs"] == ["faces:v3", "faces-labels:production"]
    assert run["command"] == ["python", "train.py", "--epochs", "3"]
    assert run["params"] == {"lr": 0.001, "layers": [64, 32]}
    assert run["created_at"] == run["updated_at"]

    fetched = await client.get(f"/runs/{run['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == run


@pytest.mark.parametrize("run_id", [str(uuid.uuid4()), "not-a-uuid"])
async def test_an_unknown_run_is_a_404_problem(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(f"/runs/{run_id}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "run_not_found"


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"name": None}, ["body", "name"]),
        ({"artifact": "Bad Name"}, ["body", "artifact"]),
        ({"inputs": ["faces:v3", "../etc/passwd"]}, ["body", "inputs", 1]),
        ({"inputs": "faces:v3"}, ["body", "inputs"]),
        ({"command": []}, ["body", "command"]),
        ({"command": ["python", ""]}, ["body", "command", 1]),
        ({"params": {"blob": "x" * 70_000}}, ["body", "params"]),
        ({"status": "succeeded"}, ["body", "status"]),
    ],
)
async def test_malformed_runs_are_refused_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, object], location: list[object]
) -> None:
    artifact = unique_artifact()
    body = {k: v for k, v in {**run_spec(artifact), **change}.items() if v is not None}
    response = await client.post("/runs", json=body)
    assert response.status_code == 422
    assert location in error_locations(response)
    assert (await client.get("/runs", params={"artifact": artifact})).json()["items"] == []


async def test_listing_is_newest_first_and_pages_through_every_run(client: httpx.AsyncClient) -> None:
    artifact = unique_artifact()
    created = [
        (await client.post("/runs", json=run_spec(artifact, name=f"r{n}"))).json()["id"] for n in range(5)
    ]
    assert (await client.post("/runs", json=run_spec(unique_artifact()))).status_code == 201

    seen: list[str] = []
    params: dict[str, object] = {"artifact": artifact, "status": "queued", "limit": 2}
    while True:
        page = (await client.get("/runs", params=params)).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next"] is None:
            break
        params["after"] = page["next"]
    assert seen == list(reversed(created))

    none_running = (await client.get("/runs", params={"artifact": artifact, "status": "running"})).json()
    assert none_running["items"] == []


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"status": "exploded"}, {"after": "nope"}, {"after": str(uuid.uuid4())}]
)
async def test_bad_listing_parameters_are_refused(
    client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    response = await client.get("/runs", params=params)
    assert response.status_code == 422
    assert ["query", next(iter(params))] in error_locations(response)


async def test_runs_outlive_a_restart(start_app) -> None:  # noqa: ANN001 - fixture factory
    async with start_app() as first:
        run = (await first.post("/runs", json=run_spec(unique_artifact()))).json()
    async with start_app() as second:
        assert (await second.get(f"/runs/{run['id']}")).json() == run
