"""Alert rules, the Prometheus Operator resources and the dashboards, checked with a real Prometheus.

``promtool`` checks and unit-tests the rules; a Prometheus (Debian's package, which ``make install``
installs) scrapes every service of a running ``kamld up`` with the labels both deployments give
them, loads the rules, and answers every dashboard query with data.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from kamld_testing.processes import free_ports

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "rules"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (make install installs Debian's prometheus package)")
    return found


def test_promtool_checks_the_rules_and_runs_their_unit_tests() -> None:
    promtool = tool("promtool")
    checked = subprocess.run(
        [promtool, "check", "rules", "kamld-alerts.yml"], cwd=RULES, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [promtool, "test", "rules", "kamld-alerts.test.yml"], cwd=RULES, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_unit_test() -> None:
    rules = yaml.safe_load((RULES / "kamld-alerts.yml").read_text())
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tests = yaml.safe_load((RULES / "kamld-alerts.test.yml").read_text())
    tested = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]}
    assert alerts == tested


def test_the_prometheus_rule_resource_holds_the_same_rules() -> None:
    resource = yaml.safe_load((ROOT / "deploy/kustomize/monitoring/prometheusrule.yaml").read_text())
    assert resource["kind"] == "PrometheusRule"
    assert resource["spec"] == yaml.safe_load((RULES / "kamld-alerts.yml").read_text())


def test_the_service_monitor_gives_targets_the_compose_labels() -> None:
    monitor = yaml.safe_load((ROOT / "deploy/kustomize/monitoring/servicemonitor.yaml").read_text())
    endpoint = monitor["spec"]["endpoints"][0]
    assert {"targetLabel": "platform", "replacement": "kamld"} in endpoint["relabelings"]
    compose = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    job = next(job for job in compose["scrape_configs"] if job["job_name"] == "kamld")
    assert all(group["labels"]["platform"] == "kamld" for group in job["static_configs"])


def dashboard_queries() -> list[tuple[str, str]]:
    found = []
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                assert 'job="kamld"' not in expr, "job differs between docker-compose and Kubernetes"
                found.append((f"{path.stem}: {panel['title']}", expr))
    return found


def test_dashboards_select_only_labels_both_deployments_have() -> None:
    for title, expr in dashboard_queries():
        labels = set(re.findall(r"(\w+)=~?\"", expr))
        assert labels <= {"platform", "service", "status", "handler", "outcome"}, title


@pytest.mark.integration
def test_a_real_prometheus_scrapes_every_service_loads_the_rules_and_answers_the_dashboards(
    platform, tmp_path: Path
) -> None:
    prometheus = tool("prometheus")
    (port,) = free_ports(1)
    targets = [
        {
            "targets": [platform.urls[name].removeprefix("http://")],
            "labels": {"service": name, "platform": "kamld"},
        }
        for name in SERVICES
    ]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "kamld-alerts.yml")],
        "scrape_configs": [
            {
                "job_name": "kamld",
                "authorization": {"type": "Bearer", "credentials": platform.token},
                "static_configs": targets,
            }
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            prometheus,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        name = "prom-" + str(port)
        created = httpx.post(
            platform.gateway + "/api/v1/artifacts",
            json={"name": name, "kind": "dataset"},
            headers=platform.auth,
        )
        assert created.status_code == 201, created.text
        deadline = time.monotonic() + 90
        missing: list[str] = ["(not asked yet)"]
        while time.monotonic() < deadline:
            httpx.get(platform.gateway + "/api/v1/artifacts", headers=platform.auth)
            try:
                up = httpx.get(f"{api}/query", params={"query": 'up{platform="kamld"} == 1'}).json()
            except httpx.HTTPError:
                time.sleep(0.5)
                continue
            if len(up["data"]["result"]) == len(SERVICES):
                missing = [title for title, expr in dashboard_queries() if not _answers(api, expr)]
                if not missing:
                    break
            time.sleep(1.0)
        assert not missing, f"dashboard queries without data: {missing}"
        groups = httpx.get(f"{api}/rules").json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        assert len(rules) == 8
        assert all(rule["health"] == "ok" for rule in rules), [r for r in rules if r["health"] != "ok"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _answers(api: str, expr: str) -> bool:
    query = expr.replace("$service", ".*").replace("$__rate_interval", "30s")
    answer = httpx.get(f"{api}/query", params={"query": query}).json()
    assert answer["status"] == "success", (expr, answer)
    return bool(answer["data"]["result"])
