"""Run Jobs for Kubernetes: rendered manifests pass the API server's strict schema, carry the run,
its resources and GPUs; a real Job runs when ``KAMLD_TEST_KUBECONFIG`` names a cluster."""

from __future__ import annotations

import json
import os
import time
import uuid

import kubernetes_validate
import pytest

from kamld_trainer.executor.kubernetes import JobConfig, job_name, render_job

CONFIG = JobConfig(
    namespace="kamld",
    image="kamld/trainer:dev",
    train_image="python:3.11-slim",
    gateway_url="http://workbench-api:8080",
    token_secret="kamld-runner-token",
)
DIGEST = "blake3:" + "ab" * 32


def recipe_run(**overrides: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "recipe": "pytorch-image",
        "code": None,
        "entrypoint": None,
        "inputs": [{"ref": "faces:v3", "digest": DIGEST, "role": "images"}],
        "params": {"epochs": 2},
        "output": "faces-model",
        "resources": {"cpu": 2.0, "memory_mb": 4096, "timeout_s": 600, "gpus": 1},
        **overrides,
    }


def containers(manifest: dict) -> dict[str, dict]:
    pod = manifest["spec"]["template"]["spec"]
    return {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}


@pytest.mark.parametrize(
    "run",
    [
        recipe_run(),
        recipe_run(
            recipe=None,
            code={"ref": "train-code:v2", "digest": DIGEST},
            entrypoint=["python", "train.py", "--fast"],
            resources={"cpu": 0.5},
        ),
    ],
    ids=["recipe-with-gpu", "code"],
)
def test_job_manifests_pass_the_strict_api_schema(run: dict) -> None:
    manifest = render_job(run, CONFIG, default_timeout_s=3600)
    kubernetes_validate.validate(manifest, kubernetes_validate.latest_version(), strict=True)


def test_a_job_runs_the_recipe_with_the_runs_resources_and_pinned_inputs() -> None:
    run = recipe_run()
    manifest = render_job(run, CONFIG, default_timeout_s=3600)
    assert manifest["metadata"]["name"] == job_name(run["id"])
    assert manifest["spec"]["backoffLimit"] == 0
    assert manifest["spec"]["activeDeadlineSeconds"] == 600
    assert manifest["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    steps = containers(manifest)
    assert list(steps) == ["inputs", "train", "publish"]
    train = steps["train"]
    assert train["command"][-2:] == ["python", "pytorch_image.py"]
    assert train["resources"] == {
        "requests": {"cpu": "2.0", "memory": "4096Mi"},
        "limits": {"memory": "4096Mi", "nvidia.com/gpu": "1"},
    }
    env = {item["name"]: item for item in train["env"]}
    assert json.loads(env["KAMLD_INPUTS"]["value"]) == {"images": "/work/inputs/images"}
    assert "KAMLD_TOKEN" not in env  # the training code never sees the API token
    spec = json.loads({e["name"]: e for e in steps["inputs"]["env"]}["KAMLD_RUN_SPEC"]["value"])
    assert spec["inputs"] == run["inputs"]
    token = {e["name"]: e for e in steps["publish"]["env"]}["KAMLD_TOKEN"]
    assert token["valueFrom"]["secretKeyRef"] == {"name": "kamld-runner-token", "key": "token"}


def test_a_code_job_runs_its_entrypoint_without_gpu_limits() -> None:
    run = recipe_run(
        recipe=None, code={"ref": "c:v1", "digest": DIGEST}, entrypoint=["python", "t.py"], resources={}
    )
    train = containers(render_job(run, CONFIG, default_timeout_s=99))["train"]
    assert train["command"][-2:] == ["python", "t.py"]
    assert train["resources"] == {"requests": {"cpu": "1"}}


@pytest.mark.skipif(
    not os.environ.get("KAMLD_TEST_KUBECONFIG"), reason="set KAMLD_TEST_KUBECONFIG to run a real Job"
)
def test_a_real_job_runs_and_is_cancelled() -> None:
    """Needs KAMLD_TEST_KUBECONFIG, and KAMLD_TEST_KUBE_NAMESPACE (default ``default``) where the
    Secret ``kamld-runner-token`` and the ServiceAccount ``kamld-runner`` exist."""
    from kamld_trainer.executor.kubernetes import KubernetesJobs

    config = JobConfig(
        namespace=os.environ.get("KAMLD_TEST_KUBE_NAMESPACE", "default"),
        image=os.environ.get("KAMLD_TEST_KUBE_IMAGE", "kamld/trainer:dev"),
        train_image="python:3.11-slim",
        gateway_url=os.environ.get("KAMLD_TEST_KUBE_GATEWAY_URL", "http://workbench-api:8080"),
        token_secret="kamld-runner-token",
    )
    jobs = KubernetesJobs(config, os.environ["KAMLD_TEST_KUBECONFIG"])
    run = recipe_run(inputs=[], recipe=None, code=None, entrypoint=["sleep", "600"], resources={"gpus": 0})
    jobs.submit(render_job(run, config, default_timeout_s=900))
    try:
        deadline = time.monotonic() + 120
        while (
            time.monotonic() < deadline
            and jobs.state(run["id"]).status == "running"
            and not jobs.logs(run["id"], "inputs")
        ):
            time.sleep(2)
        assert jobs.state(run["id"]).status in ("running", "failed")
    finally:
        jobs.cancel(run["id"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and jobs.state(run["id"]).error is None:
        time.sleep(2)
    assert "gone" in (jobs.state(run["id"]).error or "")
