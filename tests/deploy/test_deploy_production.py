"""deploy/kustomize/overlays/production: renders, passes the Kubernetes API schema, and keeps its promises.

Rendered with ``kubectl kustomize`` (the overlay, and its migration Jobs in ``migrate/``), every object
is validated against the API schema of the oldest and the newest Kubernetes the overlay supports, and
the properties that matter are checked against the services themselves: the autoscaled services and
their budgets, the network edges (derived from the URLs the services are given, not from a list
kept next to the policies), Secrets never inline, commands that exist in the image, settings that
exist in the service, and the sizing documented in docs/deploy.md.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import kubernetes_validate
import pytest
from alembic.script import ScriptDirectory
from dockerfile_parse import DockerfileParser

from kamld_common.container import COMMANDS
from kamld_common.db import alembic_config

from .conftest import ROOT, SERVICES, ServiceUnderTest

OVERLAY = "deploy/kustomize/overlays/production"
MIGRATE = "deploy/kustomize/overlays/production/migrate"
KUBERNETES_VERSIONS = ["1.31.0", "1.37.0"]
"""The Kubernetes versions the overlay is for: 1.31 is the first with every field it uses as stable
(a PodDisruptionBudget's ``unhealthyPodEvictionPolicy``)."""

STATELESS = {"workbench-api", "metadata-hub", "storage-gateway", "observation-hub"}
"""Autoscaled: their state is all in PostgreSQL, the object store and Elasticsearch. trainer is not:
a trainer starting fails the local runs left ``running``, and local runs' logs are on its disk."""

NAME = "app.kubernetes.io/name"
DOCS = ROOT / "docs" / "deploy.md"


Objects = list[dict[str, Any]]


def by_kind(objects: Objects, kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def workloads(objects: Objects) -> Objects:
    return [obj for obj in objects if obj["kind"] in {"Deployment", "Job", "CronJob"}]


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(obj)
    return [*spec.get("initContainers", []), *spec["containers"]]


def environment(objects: Objects, container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every variable the container sees, as ``{"value": ...}`` or ``{"secretKeyRef": ...}``;
    ``env`` wins over ``envFrom``, as in Kubernetes."""
    config_maps = by_kind(objects, "ConfigMap")
    seen: dict[str, dict[str, Any]] = {}
    for source in container.get("envFrom", []):
        assert set(source) == {"configMapRef"}, source
        for name, value in config_maps[source["configMapRef"]["name"]]["data"].items():
            seen[name] = {"value": value}
    for item in container.get("env", []):
        seen[item["name"]] = {"value": item["value"]} if "value" in item else item["valueFrom"]
    return seen


@pytest.fixture(scope="module")
def production(rendered) -> Objects:  # noqa: ANN001
    return rendered(OVERLAY)


@pytest.fixture(scope="module")
def migrations(rendered) -> Objects:  # noqa: ANN001
    return rendered(MIGRATE)


# --- schema ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("target", [OVERLAY, MIGRATE])
def test_every_object_passes_the_strict_api_schema(rendered, target: str, version: str) -> None:  # noqa: ANN001
    objects = rendered(target)
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_schema_check_rejects_a_misspelt_field(production: Objects) -> None:
    hpa = next(iter(by_kind(production, "HorizontalPodAutoscaler").values()))
    broken = {**hpa, "spec": {**hpa["spec"], "minReplica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_everything_lands_in_one_namespace(production: Objects, migrations: Objects) -> None:
    assert not by_kind(production, "Namespace"), "the namespace is created before the Secrets (docs)"
    for obj in [*production, *migrations]:
        assert obj["metadata"]["namespace"] == "kamld", obj["metadata"]["name"]


# --- scaling and disruption -----------------------------------------------------------------------


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions ``In``/``NotIn``) matches ``labels``."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value, operator = labels.get(expression["key"]), expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        assert operator in {"In", "NotIn"}, operator
    return True


def test_every_deployment_has_exactly_one_budget_that_lets_a_drain_proceed(production: Objects) -> None:
    budgets = by_kind(production, "PodDisruptionBudget")
    hpas = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa
        for hpa in by_kind(production, "HorizontalPodAutoscaler").values()
    }
    deployments = by_kind(production, "Deployment")
    assert set(deployments) == {service.name for service in SERVICES}
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [pdb for pdb in budgets.values() if selects(pdb["spec"]["selector"], labels)]
        assert len(covering) == 1, name
        spec = covering[0]["spec"]
        replicas = hpas[name]["spec"]["minReplicas"] if name in hpas else deployment["spec"]["replicas"]
        # At least one pod may go (a budget it can never meet blocks every node drain) ...
        if "maxUnavailable" in spec:
            assert spec["maxUnavailable"] >= 1, name
            left = replicas - spec["maxUnavailable"]
        else:
            assert spec["minAvailable"] < replicas, name
            left = spec["minAvailable"]
        # ... and a scaled service keeps serving while it does.
        if name in STATELESS:
            assert left >= 1, name


def test_stateless_services_are_autoscaled_and_trainer_is_one_replaced_pod(production: Objects) -> None:
    deployments = by_kind(production, "Deployment")
    hpas = by_kind(production, "HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"]: hpa for hpa in hpas.values()}
    assert set(targets) == STATELESS
    for name, hpa in targets.items():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
        assert "replicas" not in deployments[name]["spec"], f"{name}: the HPA owns the replica count"
        # A CPU utilisation target is a share of the request: every container must request CPU.
        resources = [m["resource"]["name"] for m in hpa["spec"]["metrics"] if m["type"] == "Resource"]
        assert resources
        for container in containers(deployments[name]):
            for resource in resources:
                assert resource in container["resources"]["requests"], name
    trainer = deployments["trainer"]["spec"]
    assert trainer["replicas"] == 1
    assert trainer["strategy"] == {"type": "Recreate"}


# --- network --------------------------------------------------------------------------------------

PROMETHEUS = "prometheus (any namespace)"
INGRESS_CONTROLLER = "ingress controller"
DNS = "kube-dns"
ANY_POD = "any pod in the cluster"
OUTSIDE = "outside the cluster"


def peer_name(peer: dict[str, Any]) -> str:
    """Who a NetworkPolicy peer is: a pod of this namespace by name, or one of the outside parties."""
    if "ipBlock" in peer:
        assert peer["ipBlock"]["cidr"], peer
        return OUTSIDE
    if "namespaceSelector" not in peer:
        labels = peer["podSelector"]["matchLabels"]
        assert set(labels) == {NAME}, peer
        return labels[NAME]
    namespace = peer["namespaceSelector"].get("matchLabels", {})
    pods = peer.get("podSelector", {}).get("matchLabels", {})
    if namespace == {} and pods == {NAME: "prometheus"}:
        return PROMETHEUS
    if namespace == {} and pods == {}:
        return ANY_POD
    if namespace == {"kubernetes.io/metadata.name": "ingress-nginx"} and pods == {NAME: "ingress-nginx"}:
        return INGRESS_CONTROLLER
    if namespace == {"kubernetes.io/metadata.name": "kube-system"} and pods == {"k8s-app": "kube-dns"}:
        return DNS
    raise AssertionError(f"a peer nobody expects: {peer}")


def pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    template = (
        obj["spec"]["jobTemplate"]["spec"]["template"]
        if obj["kind"] == "CronJob"
        else obj["spec"]["template"]
    )
    return template["metadata"]["labels"]


def pod_names(objects: Objects) -> dict[str, dict[str, str]]:
    """Every kind of pod the namespace runs, by its name label: the workloads, and the run pods
    trainer creates (their labels come from trainer's own Job template)."""
    from kamld_trainer.executor.kubernetes import JobConfig, render_job

    pods = {}
    for obj in workloads(objects):
        labels = pod_labels(obj)
        pods[labels[NAME]] = labels
    config = JobConfig(namespace="kamld", image="i", train_image="t", gateway_url="u", token_secret="s")
    run = render_job(
        {"id": "r1", "recipe": "sklearn-tabular", "inputs": [], "params": {}, "output": "m"}, config, 60
    )
    labels = run["spec"]["template"]["metadata"]["labels"]
    pods[labels[NAME]] = labels
    return pods


def named_ports(objects: Objects) -> dict[tuple[str, str], int]:
    """Container ports by (Deployment, port name): what a named port in a policy means."""
    ports = {}
    for deployment in by_kind(objects, "Deployment").values():
        for container in containers(deployment):
            for port in container.get("ports", []):
                ports[(deployment["metadata"]["name"], port["name"])] = port["containerPort"]
    return ports


Edge = tuple[str, str, int]


def allowed_edges(objects: Objects, pods: dict[str, dict[str, str]]) -> tuple[set[Edge], set[Edge]]:
    """(source, destination, port) that the policies admit into a pod, and let out of one."""
    ports = named_ports(objects)
    ingress: set[Edge] = set()
    egress: set[Edge] = set()
    for policy in by_kind(objects, "NetworkPolicy").values():
        spec = policy["spec"]
        selected = [name for name, labels in pods.items() if selects(spec["podSelector"], labels)]
        for rule in spec.get("ingress", []):
            for pod in selected:
                for peer in rule["from"]:
                    for port in rule["ports"]:
                        number = port["port"] if isinstance(port["port"], int) else ports[(pod, port["port"])]
                        ingress.add((peer_name(peer), pod, number))
        for rule in spec.get("egress", []):
            for pod in selected:
                for peer in rule["to"]:
                    for port in rule["ports"]:
                        assert isinstance(port["port"], int), "egress names destination ports by number"
                        destination = peer_name(peer)
                        if "podSelector" in peer and "namespaceSelector" not in peer:
                            for target in [
                                n for n, labels in pods.items() if selects(peer["podSelector"], labels)
                            ]:
                                egress.add((pod, target, port["port"]))
                        else:
                            egress.add((pod, destination, port["port"]))
    return ingress, egress


URL = re.compile(r"https?://([a-z0-9-]+):(\d+)")


def called_services(objects: Objects) -> set[Edge]:
    """The in-namespace calls the pods are configured to make: every ``http://<Service>:<port>`` in
    a container's environment (observation-hub's ``service_urls`` JSON included), and the run pods'
    gateway (trainer's ``kubernetes_gateway_url``)."""
    services = by_kind(objects, "Service")
    ports = named_ports(objects)

    def pod_port(host: str, port: int) -> int:
        """The Service's port as the pods behind it listen on it (what a policy sees)."""
        (entry,) = [p for p in services[host]["spec"]["ports"] if p["port"] == port]
        return ports[(host, entry["targetPort"])]

    calls = set()
    for obj in workloads(objects):
        source = pod_labels(obj)[NAME]
        for container in containers(obj):
            for item in environment(objects, container).values():
                for host, port in URL.findall(item.get("value", "")):
                    if host in services:
                        calls.add((source, host, pod_port(host, int(port))))
    trainer = import_module("kamld_trainer.config").Settings
    gateway = trainer.model_fields["kubernetes_gateway_url"].default
    trainer_env = environment(objects, containers(by_kind(objects, "Deployment")["trainer"])[0])
    gateway = trainer_env.get("KAMLD_TRAINER_KUBERNETES_GATEWAY_URL", {}).get("value", gateway)
    ((host, port),) = URL.findall(gateway)
    calls.add(("kamld-run", host, pod_port(host, int(port))))
    return calls


def test_pod_names_include_every_workload_and_the_run_pods(production: Objects, migrations: Objects) -> None:
    names = set(pod_names([*production, *migrations]))
    assert names == {service.name for service in SERVICES} | {"kamld-gc", "kamld-run", "kamld-migrate"}


def test_default_deny_selects_every_pod_both_ways(production: Objects) -> None:
    policies = by_kind(production, "NetworkPolicy")
    deny = [
        policy
        for policy in policies.values()
        if policy["spec"]["podSelector"] == {}
        and set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not policy["spec"].get("ingress")
        and not policy["spec"].get("egress")
    ]
    assert len(deny) == 1


def test_every_internal_call_is_allowed_out_of_the_caller_and_into_the_callee(
    production: Objects, migrations: Objects
) -> None:
    pods = pod_names([*production, *migrations])
    ingress, egress = allowed_edges(production, pods)
    calls = called_services(production)
    assert ("workbench-api", "metadata-hub", 8081) in calls  # the derivation finds the obvious
    assert ("observation-hub", "trainer", 8083) in calls
    assert ("kamld-gc", "workbench-api", 8080) in calls
    for call in calls:
        assert call in egress, f"{call} is refused on the way out"
        assert call in ingress, f"{call} is refused on the way in"


def test_every_allow_rule_is_an_edge_the_platform_has(
    production: Objects, migrations: Objects, tmp_path: Path
) -> None:
    pods = pod_names([*production, *migrations])
    ingress, egress = allowed_edges(production, pods)
    calls = called_services(production)
    services = {service.name: service for service in SERVICES}
    workbench = environment(production, containers(by_kind(production, "Deployment")["workbench-api"])[0])
    s3_port = int(workbench["KAMLD_WORKBENCH_API_S3_PORT"]["value"])
    scraped = {(PROMETHEUS, name, service.default_port) for name, service in services.items()}
    public = {(INGRESS_CONTROLLER, "workbench-api", 8080), (INGRESS_CONTROLLER, "workbench-api", s3_port)}
    assert ingress - calls - scraped - public == set()
    # The ingress controller reaches exactly the two ports the Ingress sends it to.
    ingress_ports = {
        named_ports(production)[
            (path["backend"]["service"]["name"], path["backend"]["service"]["port"]["name"])
        ]
        for rule in by_kind(production, "Ingress")["kamld"]["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert {port for source, _, port in ingress if source == INGRESS_CONTROLLER} == ingress_ports

    outside = {(source, port) for source, destination, port in egress if destination == OUTSIDE}
    assert outside == expected_external_egress(production, tmp_path), "an egress rule to outside the cluster"
    everything_else = {edge for edge in egress if edge[1] not in {OUTSIDE, DNS, ANY_POD}}
    assert everything_else - calls == set()
    assert {edge[0] for edge in egress if edge[1] == DNS} == set(pods), "every pod resolves names"
    assert {(edge[0], edge[2]) for edge in egress if edge[1] == ANY_POD} == expected_traces(production)


def expected_traces(objects: Objects) -> set[tuple[str, int]]:
    """The trace collector: each service whose environment names an OTLP/HTTP endpoint."""
    expected = set()
    for deployment in by_kind(objects, "Deployment").values():
        env = environment(objects, containers(deployment)[0])
        endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT", {}).get("value")
        if endpoint:
            expected.add((deployment["metadata"]["name"], urlsplit(endpoint).port))
    return expected


def expected_external_egress(objects: Objects, data_dir: Path) -> set[tuple[str, int]]:
    """What the pods reach outside the cluster, each edge tied to what makes the service call it."""
    deployments = by_kind(objects, "Deployment")
    env = {name: environment(objects, containers(obj)[0]) for name, obj in deployments.items()}

    def from_secret(service: str, setting: str) -> bool:
        return "secretKeyRef" in env[service].get(setting, {})

    def value(service: str, setting: str) -> str | None:
        return env[service].get(setting, {}).get("value")

    expected = set()
    for service in SERVICES:
        if from_secret(service.name, f"{service.env_prefix}DATABASE_URL"):
            expected.add((service.name, 5432))
    expected.add(("kamld-migrate", 5432))  # the migration Jobs: the same database URLs
    if value("storage-gateway", "KAMLD_STORAGE_GATEWAY_OBJECT_STORE") == "s3":
        assert from_secret("storage-gateway", "KAMLD_STORAGE_GATEWAY_S3_ENDPOINT")
        expected.add(("storage-gateway", 443))
    if value("metadata-hub", "KAMLD_METADATA_HUB_SEARCH_ENGINE") == "elasticsearch":
        assert from_secret("metadata-hub", "KAMLD_METADATA_HUB_ELASTICSEARCH_URL")
        expected.add(("metadata-hub", 9200))
    if value("storage-gateway", "KAMLD_STORAGE_GATEWAY_QUERY_ENGINE") == "trino":
        assert from_secret("storage-gateway", "KAMLD_STORAGE_GATEWAY_QUERY_TRINO_URL")
        expected.add(("storage-gateway", 8080))
    if value("trainer", "KAMLD_TRAINER_KUBERNETES_NAMESPACE"):
        expected |= {("trainer", 443), ("trainer", 6443)}
    from kamld_trainer.executor.kubernetes import TRAIN_SCRIPT

    if "pip install" in TRAIN_SCRIPT:
        expected.add(("kamld-run", 443))
    if "/webhooks" in ServiceUnderTest("observation-hub").route_paths(data_dir):
        expected |= {("observation-hub", 80), ("observation-hub", 443)}
    return expected


def test_the_policies_of_base_are_kept(production: Objects, rendered) -> None:  # noqa: ANN001
    base = by_kind(rendered("deploy/kustomize/base"), "NetworkPolicy")
    kept = by_kind(production, "NetworkPolicy")
    for name, policy in base.items():
        assert kept[name]["spec"] == policy["spec"], name


# --- secrets and settings -------------------------------------------------------------------------

SECRET_SETTINGS = re.compile(r"(TOKEN|_KEY|PASSWORD|DATABASE_URL|ELASTICSEARCH_URL|TRINO_URL|S3_ENDPOINT)$")
"""Credentials, and the addresses of the external systems (which may carry credentials)."""


def secret_fields(service: ServiceUnderTest) -> set[str]:
    fields = service.settings_class.model_fields
    return {
        service.env_prefix + name.upper()
        for name, field in fields.items()
        if "SecretStr" in str(field.annotation) or SECRET_SETTINGS.search(name.upper())
    }


def test_no_secret_is_inline(production: Objects, migrations: Objects) -> None:
    objects = [*production, *migrations]
    assert not by_kind(objects, "Secret"), "Secrets are created beside the overlay, never rendered by it"
    every_secret = set().union(*(secret_fields(service) for service in SERVICES))
    assert "KAMLD_STORAGE_GATEWAY_S3_SECRET_KEY" in every_secret
    for config_map in by_kind(objects, "ConfigMap").values():
        for name, value in config_map["data"].items():
            assert name not in every_secret and not SECRET_SETTINGS.search(name), f"{name} in a ConfigMap"
            assert not re.search(r"://[^/@\s]+:[^/@\s]+@", value), f"{name} carries credentials"
    for obj in workloads(objects):
        for container in containers(obj):
            for name, source in environment(objects, container).items():
                if name in every_secret or SECRET_SETTINGS.search(name):
                    assert "secretKeyRef" in source, f"{obj['metadata']['name']}: {name} is not from a Secret"
                value = source.get("value", "")
                assert not re.search(r"://[^/@\s]+:[^/@\s]+@", value), f"{name} carries credentials"


def referenced_secrets(objects: Objects) -> set[tuple[str, str]]:
    refs = set()
    for obj in workloads(objects):
        for container in containers(obj):
            for source in environment(objects, container).values():
                if "secretKeyRef" in source:
                    refs.add((source["secretKeyRef"]["name"], source["secretKeyRef"]["key"]))
    for ingress in by_kind(objects, "Ingress").values():
        for tls in ingress["spec"]["tls"]:
            refs.add((tls["secretName"], "tls.crt"))
            refs.add((tls["secretName"], "tls.key"))
    return refs


def documented_secrets() -> set[tuple[str, str]]:
    """The rows of docs/deploy.md's table of the production Secrets: `secret` | `key`, `key` | ..."""
    text = DOCS.read_text()
    section = text.split("#### Secrets", 1)[1].split("####", 1)[0]
    rows = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            secret = cells[0].strip("`")
            rows |= {(secret, key) for key in re.findall(r"`([^`]+)`", cells[1])}
    return rows


def test_every_secret_the_overlay_reads_is_documented(production: Objects, migrations: Objects) -> None:
    documented = documented_secrets()
    referenced = referenced_secrets([*production, *migrations])
    assert referenced - documented == set(), "Secrets to document in docs/deploy.md"
    assert documented - referenced == set(), "docs/deploy.md lists Secrets nothing reads"


@pytest.mark.parametrize("target", [OVERLAY, MIGRATE])
def test_every_variable_is_a_setting_its_program_reads(rendered, target: str) -> None:  # noqa: ANN001
    objects = rendered(target)
    prefixes = {service.env_prefix: service for service in SERVICES}
    client = {"KAMLD_URL", "KAMLD_TOKEN", "KAMLD_HOME"}
    checked = 0
    for obj in workloads(objects):
        for container in containers(obj):
            names = list(environment(objects, container))
            own = [item["name"] for item in container.get("env", [])]
            loaded = len(names) - len(own)
            assert loaded == sum(
                len(by_kind(objects, "ConfigMap")[source["configMapRef"]["name"]]["data"])
                for source in container.get("envFrom", [])
            ), f"{obj['metadata']['name']}: env shadows a ConfigMap key"
            assert len(set(own)) == len(own), own
            if container.get("command", [""])[0] == "kamld":  # the CLI: the client's variables only
                assert set(names) <= client, names
                checked += 1
                continue
            (service,) = {prefixes[p] for p in prefixes for n in names if n.startswith(p)}
            assert service.unknown_env(names) == [], obj["metadata"]["name"]
            others = [n for n in names if n.startswith("KAMLD_") and not n.startswith(service.env_prefix)]
            assert set(others) <= {"KAMLD_HOME"}, others
            checked += 1
    assert checked == len(workloads(objects))


def test_the_settings_the_overlay_sets_are_valid(production: Objects, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """Each service's plain settings (ConfigMap and literal env) load into its Settings class."""
    for service in SERVICES:
        for name in [name for name in os.environ if name.startswith("KAMLD_")]:
            monkeypatch.delenv(name)
        deployment = by_kind(production, "Deployment")[service.name]
        for name, source in environment(production, containers(deployment)[0]).items():
            if "value" in source:
                monkeypatch.setenv(name, source["value"])
        monkeypatch.setenv("KAMLD_HOME", str(tmp_path))
        settings = service.settings_class()
        assert settings.port == service.default_port


def test_runs_use_the_release_image(production: Objects) -> None:
    trainer = by_kind(production, "Deployment")["trainer"]
    env = environment(production, containers(trainer)[0])
    assert env["KAMLD_TRAINER_KUBERNETES_IMAGE"]["value"] == containers(trainer)[0]["image"]
    assert env["KAMLD_TRAINER_KUBERNETES_NAMESPACE"]["value"] == trainer["metadata"]["namespace"]
    (binding,) = by_kind(production, "RoleBinding").values()
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "trainer", "namespace": "kamld"}]


# --- migrations and garbage collection ------------------------------------------------------------


def release_images(objects: Objects) -> dict[str, str]:
    return {name: containers(obj)[0]["image"] for name, obj in by_kind(objects, "Deployment").items()}


def test_a_migration_job_per_service_runs_the_images_migrate_command(
    production: Objects, migrations: Objects
) -> None:
    jobs = by_kind(migrations, "Job")
    assert {obj["kind"] for obj in migrations} == {"Job"}
    images = release_images(production)
    assert "migrate" in COMMANDS
    for service in SERVICES:
        (container,) = containers(jobs[f"{service.name}-migrate"])
        assert container["image"] == images[service.name], "the schema of the release it deploys"
        assert container["command"] == ["python", "-m", "kamld_common.container", "migrate"]
        deployment_env = environment(
            production, containers(by_kind(production, "Deployment")[service.name])[0]
        )
        job_env = environment(migrations, container)
        url = f"{service.env_prefix}DATABASE_URL"
        assert job_env[url] == deployment_env[url], "the same database as the service"


def test_the_image_names_its_service_for_the_migrate_command(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    args = {k: str(v) for k, v in compose["services"][service.name]["build"]["args"].items()}
    parser = DockerfileParser(str(ROOT / "Dockerfile"), build_args=args)
    assert parser.envs["KAMLD_SERVICE"] == service.name
    assert parser.envs["PATH"].startswith("/opt/venv/bin:")


def test_the_migrate_command_brings_a_database_to_the_newest_schema(service, tmp_path: Path) -> None:  # noqa: ANN001
    """The Job's command, run as the image runs it (KAMLD_SERVICE set by the Dockerfile)."""
    database = tmp_path / "db.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "KAMLD_HOME": str(tmp_path),
        "KAMLD_SERVICE": service.name,
        f"{service.env_prefix}DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    for _ in range(2):  # a second run finds the schema there and changes nothing
        result = subprocess.run(
            [sys.executable, "-m", "kamld_common.container", "migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    migrations = import_module(f"{service.module}.app").MIGRATIONS
    head = ScriptDirectory.from_config(alembic_config(migrations)).get_current_head()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def test_the_gc_cronjob_runs_kamld_gc_from_the_trainer_image(production: Objects) -> None:
    cronjob = by_kind(production, "CronJob")["kamld-gc"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = containers(cronjob)
    assert container["image"] == release_images(production)["trainer"]
    assert container["command"][:2] == ["kamld", "gc"]
    assert "--dry-run" not in container["command"]
    # `kamld` is the console script of the SDK, which the trainer image installs.
    sdk = tomllib.loads((ROOT / "libs" / "sdk" / "pyproject.toml").read_text())["project"]
    trainer = tomllib.loads((ROOT / "services" / "trainer" / "pyproject.toml").read_text())["project"]
    assert sdk["scripts"]["kamld"] == "kamld.cli:main"
    assert sdk["name"] in trainer["dependencies"]
    env = environment(production, container)
    url = urlsplit(env["KAMLD_URL"]["value"])
    gateway = by_kind(production, "Service")[url.hostname]
    assert url.hostname == "workbench-api"
    assert url.port in {port["port"] for port in gateway["spec"]["ports"] if port["name"] == "http"}
    assert env["KAMLD_TOKEN"]["secretKeyRef"] == {"name": "kamld-gc-token", "key": "token"}


class GcServer(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's spelling)
        GcServer.seen.append(("POST", self.path, self.headers.get("authorization", "")))
        body = json.dumps({"objects": 3, "bytes": 1024, "dry_run": False, "marked": 7}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def gc_server() -> Iterator[str]:
    GcServer.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), GcServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_gc_command_collects_for_real_through_the_gateway_route(
    production: Objects, gc_server: str, tmp_path: Path
) -> None:
    """The CronJob's command line, run against a stand-in gateway: one POST /api/v1/gc, not a dry run,
    with the token; and that route is one workbench-api serves."""
    (container,) = containers(by_kind(production, "CronJob")["kamld-gc"])
    env = {"PATH": os.environ.get("PATH", ""), "KAMLD_HOME": str(tmp_path), "KAMLD_URL": gc_server}
    env["KAMLD_TOKEN"] = "kamld_admin_example"
    program = Path(sys.executable).parent / container["command"][0]
    result = subprocess.run(
        [str(program), *container["command"][1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["objects"] == 3
    ((method, path, authorization),) = GcServer.seen
    assert method == "POST"
    assert urlsplit(path).path == "/api/v1/gc"
    assert parse_qs(urlsplit(path).query)["dry_run"] == ["false"]
    assert authorization == "Bearer kamld_admin_example"
    assert "/api/v1/gc" in ServiceUnderTest("workbench-api").route_paths(tmp_path)


# --- ingress --------------------------------------------------------------------------------------


def test_the_ingress_serves_the_api_and_the_s3_endpoint_over_tls(production: Objects) -> None:
    (ingress,) = by_kind(production, "Ingress").values()
    rules = ingress["spec"]["rules"]
    (tls,) = ingress["spec"]["tls"]
    assert tls["secretName"]
    assert sorted(tls["hosts"]) == sorted(rule["host"] for rule in rules), "the certificate covers every host"
    assert len({rule["host"] for rule in rules}) == len(rules)
    backends = {
        rule["host"]: (path["backend"]["service"]["name"], path["backend"]["service"]["port"]["name"])
        for rule in rules
        for path in rule["http"]["paths"]
    }
    assert sorted(backends.values()) == [("workbench-api", "http"), ("workbench-api", "s3")]
    ports = named_ports(production)
    workbench = environment(production, containers(by_kind(production, "Deployment")["workbench-api"])[0])
    assert ports[("workbench-api", "http")] == 8080
    assert ports[("workbench-api", "s3")] == int(workbench["KAMLD_WORKBENCH_API_S3_PORT"]["value"]) == 8085
    service_ports = {p["name"] for p in by_kind(production, "Service")["workbench-api"]["spec"]["ports"]}
    assert {"http", "s3"} <= service_ports


# --- sizing ---------------------------------------------------------------------------------------


def documented_sizing() -> dict[str, dict[str, str]]:
    """docs/deploy.md's sizing table, by workload: replicas, CPU request and limit, memory request
    and limit (then a column saying why)."""
    text = DOCS.read_text()
    section = text.split("#### Sizing", 1)[1].split("####", 1)[0]
    sizing = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0].startswith("`"):
            sizing[cells[0].strip("`")] = {
                "replicas": cells[1],
                "cpu": cells[2],
                "cpu-limit": cells[3],
                "memory": cells[4],
                "memory-limit": cells[5],
            }
    return sizing


def test_every_container_has_requests_and_limits(production: Objects, migrations: Objects) -> None:
    for obj in workloads([*production, *migrations]):
        for container in containers(obj):
            resources = container["resources"]
            assert set(resources["requests"]) == {"cpu", "memory"}, obj["metadata"]["name"]
            assert set(resources["limits"]) == {"cpu", "memory"}, obj["metadata"]["name"]


def test_the_sizing_table_in_the_docs_is_what_is_deployed(production: Objects) -> None:
    sizing = documented_sizing()
    assert set(sizing) == {service.name for service in SERVICES} | {"kamld-gc", "migration Jobs"}
    hpas = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa["spec"]
        for hpa in by_kind(production, "HorizontalPodAutoscaler").values()
    }
    for obj in workloads(production):
        name = obj["metadata"]["name"]
        (container,) = containers(obj)
        documented = sizing[name]
        resources = container["resources"]
        assert documented["cpu"] == resources["requests"]["cpu"], name
        assert documented["cpu-limit"] == str(resources["limits"]["cpu"]), name
        assert documented["memory"] == resources["requests"]["memory"], name
        assert documented["memory-limit"] == resources["limits"]["memory"], name
        if name in hpas:
            assert documented["replicas"] == f"{hpas[name]['minReplicas']}–{hpas[name]['maxReplicas']}", name
        elif obj["kind"] == "Deployment":
            assert documented["replicas"] == str(obj["spec"]["replicas"]), name


def test_the_migration_jobs_are_sized_as_documented(migrations: Objects) -> None:
    documented = documented_sizing()["migration Jobs"]
    for job in by_kind(migrations, "Job").values():
        (container,) = containers(job)
        resources = container["resources"]
        assert documented["cpu"] == resources["requests"]["cpu"]
        assert documented["cpu-limit"] == str(resources["limits"]["cpu"])
        assert documented["memory"] == resources["requests"]["memory"]
        assert documented["memory-limit"] == resources["limits"]["memory"]


# --- a real cluster -------------------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("KAMLD_TEST_KUBECONFIG"),
    reason="set KAMLD_TEST_KUBECONFIG to apply the production overlay to a cluster (server-side dry run)",
)
def test_the_cluster_accepts_the_overlay(production: Objects, migrations: Objects) -> None:
    """Needs KAMLD_TEST_KUBECONFIG, and KAMLD_TEST_KUBE_NAMESPACE (default ``default``), an existing
    namespace the objects are put in. A server-side dry run: the API server validates and admits
    every object (its own version's schema, admission webhooks) and stores nothing."""
    from kubernetes import config, dynamic

    namespace = os.environ.get("KAMLD_TEST_KUBE_NAMESPACE", "default")
    client = dynamic.DynamicClient(
        config.new_client_from_config(config_file=os.environ["KAMLD_TEST_KUBECONFIG"])
    )
    for obj in [*migrations, *production]:
        body = {**obj, "metadata": {**obj["metadata"], "namespace": namespace}}
        resource = client.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
        resource.server_side_apply(
            body=body,
            name=obj["metadata"]["name"],
            namespace=namespace,
            field_manager="kamld-deploy-test",
            force_conflicts=True,
            dry_run="All",
        )
