"""``/healthz``, ``/readyz`` and ``/metrics`` every service inherits from create_service_app."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from kamld_common.app import add_readiness_check, create_service_app
from kamld_common.errors import PROBLEM_JSON, Unavailable
from kamld_common.settings import ServiceSettings


def build_app(database_up: bool) -> FastAPI:
    app = create_service_app(
        settings=ServiceSettings(service_name="health-demo"),
        version="4.5.6",
        title="demo",
        description="demo",
    )

    async def database() -> None:
        if not database_up:
            raise Unavailable("database is not reachable", code="database_unavailable")

    async def cache() -> None:
        return None

    add_readiness_check(app, "database", database)
    add_readiness_check(app, "cache", cache)

    @app.get("/things")
    async def things() -> list[str]:
        return []

    return app


def test_healthz_reports_service_and_version(serve) -> None:
    url = serve(build_app(database_up=False))
    assert httpx.get(url + "/healthz").json() == {
        "status": "ok",
        "service": "health-demo",
        "version": "4.5.6",
    }


def test_readyz_is_503_naming_the_dependency_that_is_down(serve) -> None:
    url = serve(build_app(database_up=False))
    response = httpx.get(url + "/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["detail"] == "not ready: database is down"
    assert body["checks"] == {"database": "down: database is not reachable", "cache": "ok"}
    assert body["service"] == "health-demo"


def test_readyz_is_200_when_every_dependency_answers(serve) -> None:
    url = serve(build_app(database_up=True))
    response = httpx.get(url + "/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "service": "health-demo",
        "version": "4.5.6",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_metrics_count_requests_in_prometheus_text(serve) -> None:
    url = serve(build_app(database_up=True))
    httpx.get(url + "/things")
    response = httpx.get(url + "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = [line for line in response.text.splitlines() if line.startswith("http_requests_total{")]
    assert any('handler="/things"' in line and 'method="GET"' in line for line in lines), lines
