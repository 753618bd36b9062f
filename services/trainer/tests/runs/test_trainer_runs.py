"""Runs over HTTP: queuing, validation against recipes, reading, listing, paging, cancel, retry, tracking."""

from __future__ import annotations

import uuid

import httpx
import pytest

DIGEST = "blake3:" + "ab" * 32


def unique_artifact() -> str:
    return f"resnet-{uuid.uuid4().hex[:12]}"


def run_spec(output: str, **overrides: object) -> dict[str, object]:
    return {
        "name": "nightly",
        "recipe": "sklearn-tabular",
        "inputs": [{"ref": "faces:v3", "digest": DIGEST, "role": "train"}],
        "params": {"target": "label", "n_estimators": "10"},
        "output": output,
        "creator": "ada",
        **overrides,
    }


def code_spec(output: str) -> dict[str, object]:
    return {
        "code": {"ref": "trainer-code:v2", "digest": DIGEST},
        "entrypoint": ["python", "train.py", "--epochs", "3"],
        "inputs": [{"ref": "faces:v3", "digest": DIGEST, "role": "train"}],
        "params": {"lr": 0.001, "layers": [64, 32]},
        "output": output,
    }


def error_locations(response: httpx.Response) -> list[list[object]]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [item["loc"] for item in response.json()["errors"]]


async def test_a_recipe_run_is_queued_with_typed_params(client: httpx.AsyncClient) -> None:
    output = unique_artifact()
    response = await client.post("/runs", json=run_spec(output))
    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "queued"
    assert uuid.UUID(run["id"])
    assert run["output"] == output
    assert run["recipe"] == "sklearn-tabular"
    assert run["inputs"] == [{"ref": "faces:v3", "digest": DIGEST, "role": "train"}]
    # strings from a command line are typed; defaults are filled in
    assert run["params"]["n_estimators"] == 10
    assert run["params"]["target"] == "label"
    assert run["params"]["task"] == "auto"
    assert run["creator"] == "ada"
    assert run["created_at"] == run["updated_at"]

    fetched = await client.get(f"/runs/{run['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == run


async def test_a_code_run_keeps_its_entrypoint_and_params(client: httpx.AsyncClient) -> None:
    run = (await client.post("/runs", json=code_spec(unique_artifact()))).json()
    assert run["entrypoint"] == ["python", "train.py", "--epochs", "3"]
    assert run["code"] == {"ref": "trainer-code:v2", "digest": DIGEST}
    assert run["params"] == {"lr": 0.001, "layers": [64, 32]}


@pytest.mark.parametrize("run_id", ["00000000-0000-4000-8000-00000000f404", "not-a-uuid"])
async def test_an_unknown_run_is_a_404_problem(client: httpx.AsyncClient, run_id: str) -> None:
    for response in (
        await client.get(f"/runs/{run_id}"),
        await client.get(f"/runs/{run_id}/logs"),
        await client.get(f"/runs/{run_id}/metrics"),
        await client.post(f"/runs/{run_id}/cancel"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "run_not_found"


@pytest.mark.parametrize(
    ("change", "location", "code"),
    [
        ({"recipe": "alchemy"}, ["body", "recipe"], "unknown_recipe"),
        ({"params": {"n_estimators": 3}}, ["body", "params", "target"], "missing_param"),
        (
            {"params": {"target": "y", "n_estimators": "many"}},
            ["body", "params", "n_estimators"],
            "invalid_param",
        ),
        ({"params": {"target": "y", "task": "clustering"}}, ["body", "params", "task"], "invalid_param"),
        ({"params": {"target": "y", "epochs": 3}}, ["body", "params", "epochs"], "unknown_param"),
        ({"inputs": []}, ["body", "inputs"], "missing_input"),
        ({"executor": "kubernetes"}, ["body", "executor"], "executor_unavailable"),
        ({"output": "Bad Name"}, ["body", "output"], None),
        (
            {"inputs": [{"ref": "faces:latest", "digest": DIGEST, "role": "x"}]},
            ["body", "inputs", 0, "ref"],
            None,
        ),
        ({"entrypoint": ["python", "x.py"]}, ["body"], None),
        ({"params": {"blob": "x" * 70_000}}, ["body", "params"], None),
        ({"status": "succeeded"}, ["body", "status"], None),
    ],
)
async def test_bad_runs_are_refused_naming_the_field_and_nothing_is_queued(
    client: httpx.AsyncClient, change: dict[str, object], location: list[object], code: str | None
) -> None:
    output = unique_artifact()
    response = await client.post("/runs", json={**run_spec(output), **change})
    assert response.status_code == 422
    assert location in error_locations(response)
    if code:
        assert response.json()["code"] == code
    assert (await client.get("/runs", params={"artifact": output})).json()["items"] == []


async def test_listing_filters_and_pages_through_every_run(client: httpx.AsyncClient) -> None:
    output = unique_artifact()
    creator = f"c-{uuid.uuid4().hex[:8]}"
    created = [
        (await client.post("/runs", json=run_spec(output, name=f"r{n}", creator=creator))).json()["id"]
        for n in range(5)
    ]
    other = run_spec(unique_artifact(), inputs=[{"ref": "cats:v1", "digest": DIGEST, "role": "train"}])
    other_id = (await client.post("/runs", json=other)).json()["id"]

    seen: list[str] = []
    params: dict[str, object] = {"artifact": output, "status": "queued", "limit": 2}
    while True:
        page = (await client.get("/runs", params=params)).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next"] is None:
            break
        params["after"] = page["next"]
    assert seen == list(reversed(created))

    by_creator = (await client.get("/runs", params={"creator": creator})).json()["items"]
    assert [run["id"] for run in by_creator] == list(reversed(created))
    assert [r["id"] for r in (await client.get("/runs", params={"input": "cats:v1"})).json()["items"]][
        0
    ] == other_id
    assert other_id in [
        r["id"] for r in (await client.get("/runs", params={"input": "cats"})).json()["items"]
    ]
    assert other_id not in [
        r["id"] for r in (await client.get("/runs", params={"input": "faces"})).json()["items"]
    ]
    none_running = (await client.get("/runs", params={"artifact": output, "status": "running"})).json()
    assert none_running["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"status": "exploded"},
        {"after": "nope"},
        {"after": "00000000-0000-4000-8000-0000000af7e2"},
    ],
)
async def test_bad_listing_parameters_are_refused(
    client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    response = await client.get("/runs", params=params)
    assert response.status_code == 422
    assert ["query", next(iter(params))] in error_locations(response)


async def test_a_queued_run_is_cancelled_at_once_and_can_be_retried(client: httpx.AsyncClient) -> None:
    run = (await client.post("/runs", json=run_spec(unique_artifact()))).json()
    assert (await client.post(f"/runs/{run['id']}/retry", json={})).status_code == 409
    cancelled = (await client.post(f"/runs/{run['id']}/cancel")).json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["finished_at"] is not None
    again = await client.post(f"/runs/{run['id']}/cancel")
    assert again.status_code == 409
    assert again.json()["code"] == "run_finished"

    retried = await client.post(f"/runs/{run['id']}/retry", json={"creator": "bob"})
    assert retried.status_code == 201
    retry = retried.json()
    assert retry["id"] != run["id"]
    assert retry["retry_of"] == run["id"]
    assert retry["status"] == "queued"
    assert retry["creator"] == "bob"
    assert (retry["inputs"], retry["params"], retry["output"]) == (
        run["inputs"],
        run["params"],
        run["output"],
    )


async def test_a_run_tracked_by_hand_logs_metrics_and_finishes(client: httpx.AsyncClient) -> None:
    spec = {"executor": "external", "output": unique_artifact(), "params": {"lr": 0.1}}
    run = (await client.post("/runs", json=spec)).json()
    assert run["status"] == "running"
    body = {
        "metrics": [
            {"key": "loss", "value": 0.9, "step": 0},
            {"key": "loss", "value": 0.5, "step": 1},
            {"key": "acc", "value": 0.7},
        ],
        "params": {"optimizer": "sgd"},
    }
    tracked = (await client.post(f"/runs/{run['id']}/track", json=body)).json()
    assert tracked["metrics"] == {"acc": 0.7, "loss": 0.5}
    assert tracked["logged_params"] == {"optimizer": "sgd"}
    series = (await client.get(f"/runs/{run['id']}/metrics")).json()["series"]
    assert [(p["step"], p["value"]) for p in series["loss"]] == [(0, 0.9), (1, 0.5)]
    bad = await client.post(f"/runs/{run['id']}/track", json={"metrics": [{"key": "x", "value": "NaN"}]})
    assert bad.status_code == 422

    finished = await client.post(
        f"/runs/{run['id']}/finish", json={"status": "succeeded", "output_version": f"{spec['output']}:v1"}
    )
    assert finished.json()["status"] == "succeeded"
    assert finished.json()["output_version"] == f"{spec['output']}:v1"
    late = await client.post(f"/runs/{run['id']}/track", json=body)
    assert late.status_code == 409


async def test_a_log_is_empty_before_the_run_writes_one(client: httpx.AsyncClient) -> None:
    run = (await client.post("/runs", json=run_spec(unique_artifact()))).json()
    response = await client.get(f"/runs/{run['id']}/logs")
    assert response.status_code == 200
    assert response.text == ""


async def test_runs_outlive_a_restart(start_app) -> None:  # noqa: ANN001 - fixture factory
    async with start_app() as first:
        run = (await first.post("/runs", json=run_spec(unique_artifact()))).json()
    async with start_app() as second:
        assert (await second.get(f"/runs/{run['id']}")).json() == run


async def test_kubernetes_runs_are_queued_when_a_namespace_is_configured(settings) -> None:  # noqa: ANN001
    from kamld_testing.asgi import asgi_client
    from kamld_trainer.app import create_app

    configured = settings.model_copy(update={"kubernetes_namespace": "kamld"})
    async with asgi_client(create_app(configured), "http://trainer") as client:
        response = await client.post("/runs", json=run_spec(unique_artifact(), executor="kubernetes"))
    assert response.status_code == 201
    assert response.json()["executor"] == "kubernetes"
