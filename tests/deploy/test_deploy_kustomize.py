"""deploy/kustomize: renders, every object passes the Kubernetes API schema, and matches the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

TARGETS = ["deploy/kustomize/base", "deploy/kustomize/overlays/local"]


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def container_of(objects: list[dict[str, Any]], service) -> dict[str, Any]:  # noqa: ANN001
    deployment = by_kind(objects, "Deployment")[service.name]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def container_env_names(objects: list[dict[str, Any]], service) -> list[str]:  # noqa: ANN001
    """Every variable the container sees: its own ``env`` and the ConfigMaps it loads."""
    container = container_of(objects, service)
    config_maps = by_kind(objects, "ConfigMap")
    names = [item["name"] for item in container.get("env", [])]
    for source in container.get("envFrom", []):
        names.extend(config_maps[source["configMapRef"]["name"]]["data"])
    return names


@pytest.mark.parametrize("target", TARGETS)
def test_every_object_passes_the_strict_api_schema(rendered, target: str) -> None:  # noqa: ANN001
    objects = rendered(target)
    assert objects
    version = kubernetes_validate.latest_version()
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_schema_check_rejects_a_misspelt_field(rendered) -> None:  # noqa: ANN001
    deployment = next(obj for obj in rendered(TARGETS[0]) if obj["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


@pytest.mark.parametrize("target", TARGETS)
def test_env_names_are_real_settings(rendered, service, env_names, target: str) -> None:  # noqa: ANN001
    names = container_env_names(rendered(target), service)
    assert f"{service.env_prefix}DATABASE_URL" in names
    assert service.unknown_env(names) == []


EXTRA_PORTS = {"workbench-api": [("s3", 8085)]}
"""Ports a service serves besides its API: workbench-api's read-only S3 endpoint."""


def config_of(objects, container) -> dict:  # noqa: ANN001
    return next(
        by_kind(objects, "ConfigMap")[source["configMapRef"]["name"]]["data"]
        for source in container["envFrom"]
    )


@pytest.mark.parametrize("target", TARGETS)
def test_ports_and_probes_match_the_service(rendered, service, tmp_path: Path, target: str) -> None:  # noqa: ANN001
    objects = rendered(target)
    container = container_of(objects, service)
    extra = EXTRA_PORTS.get(service.name, [])
    assert container["ports"] == [
        {"name": "http", "containerPort": service.default_port, "protocol": "TCP"},
        *({"name": name, "containerPort": port, "protocol": "TCP"} for name, port in extra),
    ]
    for name, port in extra:
        assert int(config_of(objects, container)[f"{service.env_prefix}{name.upper()}_PORT"]) == port
    config = next(
        by_kind(objects, "ConfigMap")[source["configMapRef"]["name"]]["data"]
        for source in container["envFrom"]
    )
    assert int(config[f"{service.env_prefix}PORT"]) == service.default_port
    assert config[f"{service.env_prefix}HOST"] == "0.0.0.0"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    served = service.route_paths(tmp_path)
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["path"] in served
    kube_service = by_kind(objects, "Service")[service.name]
    assert kube_service["spec"]["ports"] == [
        {"name": "http", "port": service.default_port, "targetPort": "http", "protocol": "TCP"},
        *({"name": name, "port": port, "targetPort": name, "protocol": "TCP"} for name, port in extra),
    ]


def test_pods_run_unprivileged_with_resources(rendered, service) -> None:  # noqa: ANN001
    objects = rendered(TARGETS[0])
    pod = by_kind(objects, "Deployment")[service.name]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    container = container_of(objects, service)
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]


def test_local_overlay_sets_namespace_tags_and_every_referenced_secret(rendered, service) -> None:  # noqa: ANN001
    objects = rendered(TARGETS[1])
    assert "kamld" in by_kind(objects, "Namespace")
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "kamld", obj["metadata"]["name"]
    container = container_of(objects, service)
    assert container["image"] == f"kamld/{service.name}:0.1.0"
    secrets = by_kind(objects, "Secret")
    for item in container.get("env", []):
        reference = item["valueFrom"]["secretKeyRef"]
        assert reference["key"] in secrets[reference["name"]]["data"], reference


INTERNAL_CALLERS = {
    "metadata-hub": {"workbench-api", "storage-gateway", "observation-hub"},
    "storage-gateway": {"workbench-api", "metadata-hub", "observation-hub"},
    "trainer": {"workbench-api", "observation-hub"},
    "observation-hub": {"workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub"},
}
"""Who calls whom: the gateway routes to all four; metadata-hub reads manifests from storage-gateway
(its ``storage_gateway_url``), storage-gateway asks metadata-hub what GC keeps (``metadata_hub_url``),
every producer's outbox delivers to observation-hub (``observation_hub_url``), and observation-hub
probes every service for the platform status (``service_urls``), itself included: through its
Service, so the probe may land on another replica."""


def test_internal_callers_are_the_urls_the_services_are_given(service) -> None:  # noqa: ANN001
    """Each caller edge above is a URL setting of the calling service, and each such setting is an edge."""
    fields = service.settings_class.model_fields
    called = {
        name.removesuffix("_url").replace("_", "-")
        for name in fields
        if name.removesuffix("_url").replace("_", "-") in INTERNAL_CALLERS
    }
    if "service_urls" in fields:
        called |= set(fields["service_urls"].get_default(call_default_factory=True))
    called &= set(INTERNAL_CALLERS)
    assert called == {callee for callee, callers in INTERNAL_CALLERS.items() if service.name in callers}


@pytest.mark.parametrize("target", TARGETS)
def test_internal_services_admit_only_their_callers(rendered, target: str) -> None:  # noqa: ANN001
    objects = rendered(target)
    policies = by_kind(objects, "NetworkPolicy")
    for name, callers in INTERNAL_CALLERS.items():
        selected = [
            policy
            for policy in policies.values()
            if policy["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        ]
        assert len(selected) == 1, name
        spec = selected[0]["spec"]
        assert spec["policyTypes"] == ["Ingress"]
        (rule,) = spec["ingress"]
        sources = {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for peer in rule["from"]
            if "namespaceSelector" not in peer
        }
        assert sources == callers, name
        scrapers = [peer for peer in rule["from"] if "namespaceSelector" in peer]
        assert [peer["podSelector"]["matchLabels"] for peer in scrapers] == [
            {"app.kubernetes.io/name": "prometheus"}
        ]
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert not [
        p
        for p in policies.values()
        if p["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name") == "workbench-api"
    ]
