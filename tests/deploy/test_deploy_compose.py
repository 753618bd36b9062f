"""docker-compose.yml: valid against the compose spec, and consistent with the services it runs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import compose_spec
import pytest
import yaml
from prometheus_client import REGISTRY

import kamld_storage_gateway.app  # noqa: F401  (registers every storage-gateway metric)

ROOT = Path(__file__).resolve().parents[2]
INFRASTRUCTURE = {"postgres", "minio", "elasticsearch", "trino", "jaeger", "prometheus", "grafana"}


def load_compose(text: str) -> compose_spec.PyCompose:
    """Parse and validate like ``docker compose`` does (YAML merge keys included)."""
    parsed = compose_spec.PyOptions(apply_merge=True).from_yaml(text)
    parsed.validate()
    parsed.to_spec()
    return parsed


def test_compose_file_follows_the_compose_spec() -> None:
    parsed = load_compose((ROOT / "docker-compose.yml").read_text())
    assert parsed.name == "kamld"


@pytest.mark.parametrize(
    ("original", "broken"),
    [
        ("condition: service_healthy", "condition: finished"),
        ("restart: unless-stopped", "restart: sometimes"),
        ("  interval: 10s\n", "  intervall: 10s\n"),
    ],
)
def test_the_spec_check_rejects_a_broken_file(original: str, broken: str) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert original in text
    with pytest.raises(ValueError):
        load_compose(text.replace(original, broken, 1))


def test_platform_and_infrastructure_are_all_there(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    assert service.name in compose["services"]
    assert INFRASTRUCTURE <= set(compose["services"])


def test_references_between_services_resolve(compose: dict[str, Any]) -> None:
    services = compose["services"]
    declared_volumes = set(compose.get("volumes") or {})
    for name, spec in services.items():
        for dependency in spec.get("depends_on") or {}:
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            condition = spec["depends_on"][dependency]["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[dependency], (
                    f"{name} waits for {dependency}, which has no healthcheck"
                )
        for mount in spec.get("volumes") or []:
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared_volumes, f"{name} uses undeclared volume {source}"


def test_service_is_built_from_the_dockerfile_and_configured_by_real_settings(
    compose: dict[str, Any],
    service,
    env_names,  # noqa: ANN001
) -> None:
    spec = compose["services"][service.name]
    assert spec["build"] == {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
            "SERVICE": service.name,
            "PORT": str(service.default_port),
            "DESCRIPTION": spec["build"]["args"]["DESCRIPTION"],
        },
    }
    names = env_names(spec["environment"])
    assert service.unknown_env(names) == []
    environment = spec["environment"]
    prefix = service.env_prefix
    assert environment[f"{prefix}HOST"] == "0.0.0.0"
    assert int(environment[f"{prefix}PORT"]) == service.default_port
    assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"


def test_the_settings_check_notices_a_renamed_setting(compose: dict[str, Any], service, env_names) -> None:  # noqa: ANN001
    names = env_names(compose["services"][service.name]["environment"])
    renamed = f"{service.env_prefix}DATABASE_URI"
    assert service.unknown_env([*names, renamed]) == [renamed]


def test_each_service_has_its_own_postgres_database(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    url = compose["services"][service.name]["environment"][f"{service.env_prefix}DATABASE_URL"]
    match = re.fullmatch(r"postgresql\+asyncpg://[^@]+@postgres:5432/(\w+)", url)
    assert match, url
    database = match.group(1)
    assert database == "kamld_" + service.name.replace("-", "_")
    init_sql = "\n".join(p.read_text() for p in (ROOT / "deploy/postgres/init").glob("*.sql"))
    assert f"CREATE DATABASE {database};" in init_sql
    depends_on = compose["services"][service.name]["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"


def test_healthcheck_probes_the_service_port(compose: dict[str, Any], service, tmp_path: Path) -> None:  # noqa: ANN001
    test = " ".join(compose["services"][service.name]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{service.default_port}/healthz" in test
    assert "/healthz" in service.route_paths(tmp_path)


def test_workbench_reaches_every_backend_by_its_compose_name(compose: dict[str, Any]) -> None:
    environment = compose["services"]["workbench-api"]["environment"]
    for backend, port in {
        "metadata-hub": 8081,
        "storage-gateway": 8082,
        "trainer": 8083,
        "observation-hub": 8084,
    }.items():
        key = f"KAMLD_WORKBENCH_API_{backend.upper().replace('-', '_')}_URL"
        assert environment[key] == f"http://{backend}:{port}"
        assert compose["services"]["workbench-api"]["depends_on"][backend]["condition"] == "service_healthy"


def test_prometheus_scrapes_every_service(service) -> None:  # noqa: ANN001
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    job = next(job for job in config["scrape_configs"] if job["job_name"] == "kamld")
    assert job.get("metrics_path", "/metrics") == "/metrics"
    targets = {group["labels"]["service"]: group["targets"] for group in job["static_configs"]}
    assert targets[service.name] == [f"{service.name}:{service.default_port}"]


def test_prometheus_reads_the_gateways_metrics_with_the_token_the_gateway_accepts(
    compose: dict[str, Any],
) -> None:
    """workbench-api's /metrics is closed to anonymous callers: Prometheus sends the metrics token."""
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    job = next(job for job in config["scrape_configs"] if job["job_name"] == "kamld")
    token_file = job["authorization"]["credentials_file"]
    mounted = {entry["target"]: entry["source"] for entry in compose["services"]["prometheus"]["configs"]}
    source = compose["configs"][mounted[token_file]]["content"]
    gateway_token = compose["services"]["workbench-api"]["environment"]["KAMLD_WORKBENCH_API_METRICS_TOKEN"]
    assert source.startswith("${KAMLD_METRICS_TOKEN") and gateway_token.startswith("${KAMLD_METRICS_TOKEN")


def test_grafana_dashboard_shows_rate_errors_and_latency_per_service() -> None:
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/kamld-platform.json").read_text())
    assert dashboard["uid"] == "kamld-platform"
    panel_ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(panel_ids) == len(set(panel_ids))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert any("rate(http_requests_total" in e and "by (service)" in e for e in expressions)
    assert any('status=~"5.."' in e for e in expressions)
    assert any("histogram_quantile" in e and "by (service, le)" in e for e in expressions)
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "kamld-prometheus"
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"])
    datasources = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/kamld.yml").read_text())
    assert "kamld-prometheus" in {source["uid"] for source in datasources["datasources"]}
    providers = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/kamld.yml").read_text())
    grafana_mounts = {
        m.split(":")[1]
        for m in yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["grafana"]["volumes"]
        if m.startswith("./")
    }
    assert providers["providers"][0]["options"]["path"] in grafana_mounts


def test_the_dashboards_kamld_metrics_are_ones_storage_gateway_exports() -> None:
    """A renamed metric would leave its panel silently empty."""
    exported = {sample.name for family in REGISTRY.collect() for sample in family.samples}
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/kamld-platform.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bkamld_storage_\w+", target["expr"])
    }
    assert {"kamld_storage_upload_bytes_held", "kamld_storage_upload_admission_waits_total"} <= used
    assert used <= exported


def test_shared_secrets_have_no_default(compose: dict[str, Any]) -> None:
    """storage-gateway's port is published: a default internal token would be a known password."""
    secrets = {"INTERNAL_TOKEN": "KAMLD_INTERNAL_TOKEN", "TRANSFER_KEY": "KAMLD_TRANSFER_KEY"}
    checked = 0
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        if not isinstance(environment, dict):
            environment = dict(item.split("=", 1) for item in environment)
        for name, value in environment.items():
            for suffix, variable in secrets.items():
                if name.startswith("KAMLD_") and name.endswith("_" + suffix):
                    assert str(value).startswith("${" + variable + ":?"), f"{name} has a default: {value}"
                    checked += 1
    assert checked >= 7  # five internal tokens, two transfer keys
