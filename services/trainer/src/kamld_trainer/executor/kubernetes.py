"""Runs as Kubernetes Jobs (official ``kubernetes`` client), for ``executor: kubernetes``.

A Job's pod has three steps sharing an ``emptyDir`` at ``/work``:

1. init container ``inputs`` (the kamld image): pulls the pinned inputs and the code
   (``python -m kamld_trainer.executor.pod prepare``);
2. init container ``train`` (the training image, with the run's CPU, memory and GPU requests):
   builds a virtualenv from ``/work/code/requirements.txt`` and runs the recipe or entrypoint;
3. container ``publish`` (the kamld image): pushes ``/work/output`` as the new model version and
   leaves ``NAME:vN`` in its termination message.

Status comes from the Job's ``Complete``/``Failed`` conditions, logs from the pod's containers,
and cancel deletes the Job (as Prefect's Kubernetes worker does). Jobs outlive a trainer restart:
the trainer picks them up again by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kamld_trainer.recipes import get_recipe

WORK = "/work"
TRAIN_SCRIPT = (
    "set -e; python -m venv /work/venv; "
    "if [ -s /work/code/requirements.txt ]; then "
    "/work/venv/bin/pip install --no-input --progress-bar off -r /work/code/requirements.txt; fi; "
    'cd /work/code; export PATH=/work/venv/bin:$PATH; exec "$@"'
)
LABEL_RUN = "kamld.io/run-id"


@dataclass(frozen=True)
class JobConfig:
    namespace: str
    image: str
    """The kamld image (has ``kamld`` and ``kamld_trainer``): pulls inputs and publishes the model."""
    train_image: str
    """The image the training runs in: any image with Python 3 and ``venv``."""
    gateway_url: str
    """The public API as pods reach it."""
    token_secret: str
    """Secret (key ``token``) with the API token (editor) pods pull and push with."""
    service_account: str = "kamld-runner"
    ttl_s: int = 3600


def job_name(run_id: str) -> str:
    return f"kamld-run-{run_id}"


def _command(run: dict[str, Any]) -> list[str]:
    if run.get("recipe"):
        return ["python", get_recipe(run["recipe"]).script_path.name]
    return list(run["entrypoint"])


def _resources(resources: dict[str, Any]) -> dict[str, Any]:
    requests: dict[str, str] = {"cpu": str(resources.get("cpu") or 1)}
    limits: dict[str, str] = {}
    if resources.get("memory_mb"):
        requests["memory"] = limits["memory"] = f"{resources['memory_mb']}Mi"
    if resources.get("gpus"):
        limits["nvidia.com/gpu"] = str(resources["gpus"])
    return {"requests": requests, **({"limits": limits} if limits else {})}


def render_job(run: dict[str, Any], config: JobConfig, default_timeout_s: int) -> dict[str, Any]:
    """The Job manifest of ``run`` (the run's public JSON shape: id, recipe or code + entrypoint,
    inputs, params, output, resources)."""
    run_id = str(run["id"])
    spec = {key: run.get(key) for key in ("id", "recipe", "code", "entrypoint", "inputs", "params", "output")}
    spec["id"] = run_id
    api_env = [
        {"name": "KAMLD_URL", "value": config.gateway_url},
        {"name": "KAMLD_TOKEN", "valueFrom": {"secretKeyRef": {"name": config.token_secret, "key": "token"}}},
        {"name": "KAMLD_RUN_SPEC", "value": json.dumps(spec, separators=(",", ":"))},
        {"name": "HOME", "value": "/tmp"},
    ]
    inputs = {item["role"]: f"{WORK}/inputs/{item['role']}" for item in run.get("inputs", [])}
    run_env = [
        {"name": "KAMLD_RUN_ID", "value": run_id},
        {"name": "KAMLD_PARAMS", "value": json.dumps(run.get("params") or {})},
        {"name": "KAMLD_INPUTS", "value": json.dumps(inputs)},
        {"name": "KAMLD_INPUTS_DIR", "value": f"{WORK}/inputs"},
        {"name": "KAMLD_OUTPUT_DIR", "value": f"{WORK}/output"},
        {"name": "KAMLD_TRACKING_FILE", "value": f"{WORK}/tracking.jsonl"},
        {"name": "PYTHONPATH", "value": f"{WORK}/code"},
        {"name": "PYTHONUNBUFFERED", "value": "1"},
        {"name": "HOME", "value": "/tmp"},
    ]
    mount = [{"name": "work", "mountPath": WORK}]
    security = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    labels = {"app.kubernetes.io/name": "kamld-run", "app.kubernetes.io/part-of": "kamld", LABEL_RUN: run_id}
    resources = run.get("resources") or {}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job_name(run_id), "namespace": config.namespace, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": config.ttl_s,
            "activeDeadlineSeconds": int(resources.get("timeout_s") or default_timeout_s),
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": config.service_account,
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 10001,
                        "runAsGroup": 10001,
                        "fsGroup": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "volumes": [{"name": "work", "emptyDir": {}}],
                    "initContainers": [
                        {
                            "name": "inputs",
                            "image": config.image,
                            "command": ["python", "-m", "kamld_trainer.executor.pod", "prepare"],
                            "env": api_env,
                            "volumeMounts": mount,
                            "securityContext": security,
                        },
                        {
                            "name": "train",
                            "image": config.train_image,
                            "command": ["sh", "-c", TRAIN_SCRIPT, "kamld-run", *_command(run)],
                            "env": run_env,
                            "volumeMounts": mount,
                            "resources": _resources(resources),
                            "securityContext": security,
                        },
                    ],
                    "containers": [
                        {
                            "name": "publish",
                            "image": config.image,
                            "command": ["python", "-m", "kamld_trainer.executor.pod", "publish"],
                            "env": api_env,
                            "volumeMounts": mount,
                            "securityContext": security,
                            "terminationMessagePolicy": "File",
                        }
                    ],
                },
            },
        },
    }


@dataclass(frozen=True)
class JobState:
    """Where a Job stands: ``running``, ``succeeded`` (with the version) or ``failed`` (with why)."""

    status: str
    output_version: str | None = None
    error: str | None = None


class KubernetesJobs:
    """Jobs of one namespace through the official client (its calls are blocking: run in a thread)."""

    def __init__(self, config: JobConfig, kubeconfig: str | None = None) -> None:
        from kubernetes import client
        from kubernetes import config as kube_config

        if kubeconfig:
            kube_config.load_kube_config(config_file=kubeconfig)
        else:
            kube_config.load_incluster_config()
        self.config = config
        self.batch = client.BatchV1Api()
        self.core = client.CoreV1Api()

    def submit(self, manifest: dict[str, Any]) -> None:
        self.batch.create_namespaced_job(self.config.namespace, manifest)  # type: ignore[arg-type]

    def _pod(self, run_id: str) -> Any:
        pods = self.core.list_namespaced_pod(self.config.namespace, label_selector=f"{LABEL_RUN}={run_id}")
        return pods.items[0] if pods.items else None

    def state(self, run_id: str) -> JobState:
        from kubernetes.client.exceptions import ApiException

        try:
            job = self.batch.read_namespaced_job(job_name(run_id), self.config.namespace)
        except ApiException as exc:
            if exc.status == 404:
                return JobState("failed", error="the Job is gone (deleted, or removed after its TTL)")
            raise
        found = (job.status.conditions if job.status else None) or []
        conditions = {c.type: c for c in found if c.status == "True"}
        if "Complete" not in conditions and "Failed" not in conditions:
            return JobState("running")
        pod = self._pod(run_id)
        statuses = (
            [*(pod.status.init_container_statuses or []), *(pod.status.container_statuses or [])]
            if pod
            else []
        )
        ended = {s.name: s.state.terminated for s in statuses if s.state and s.state.terminated}
        publish = ended.get("publish")
        if "Complete" in conditions and publish is not None and publish.exit_code == 0:
            return JobState("succeeded", output_version=(publish.message or "").strip() or None)
        for name in ("inputs", "train", "publish"):
            step = ended.get(name)
            if step is not None and step.exit_code != 0:
                reason = (
                    step.message or ""
                ).strip() or f"{name} exited with code {step.exit_code} ({step.reason})"
                return JobState("failed", error=f"{reason}\n{self.logs(run_id, name)[-4000:]}")
        failed = conditions.get("Failed")
        return JobState("failed", error=f"the Job failed: {failed.reason if failed else 'unknown'}")

    def logs(self, run_id: str, container: str = "train") -> str:
        from kubernetes.client.exceptions import ApiException

        pod = self._pod(run_id)
        if pod is None:
            return ""
        try:
            text: str = self.core.read_namespaced_pod_log(
                pod.metadata.name, self.config.namespace, container=container
            )
        except ApiException:
            return ""
        return text

    def cancel(self, run_id: str) -> None:
        from kubernetes.client.exceptions import ApiException

        try:
            self.batch.delete_namespaced_job(
                job_name(run_id), self.config.namespace, propagation_policy="Background"
            )
        except ApiException as exc:
            if exc.status != 404:
                raise
