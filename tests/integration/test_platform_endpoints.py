"""Every service, run as a real process: health, readiness, metrics, OpenAPI and the error shape."""

from __future__ import annotations

import uuid

import httpx
import pytest

SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")

# One POST route with a JSON body per service: (route as in its OpenAPI, concrete path to call).
JSON_POST_ROUTES = {
    "workbench-api": ("/api/v1/tokens", "/api/v1/tokens"),
    "metadata-hub": ("/artifacts", "/artifacts"),
    "storage-gateway": ("/uploads/{upload_id}/missing", f"/uploads/{uuid.uuid4().hex}/missing"),
    "trainer": ("/runs/{run_id}/finish", f"/runs/{uuid.uuid4()}/finish"),
    "observation-hub": ("/events", "/events"),
}

pytestmark = pytest.mark.integration


def credentials(platform, service: str) -> dict[str, str]:  # noqa: ANN001
    """A user's token for the gateway, the internal token for the services behind it."""
    return platform.auth if service == "workbench-api" else platform.internal_auth


@pytest.mark.parametrize("service", SERVICES)
def test_healthz_and_readyz_answer(platform, service: str) -> None:
    url = platform.urls[service]
    health = httpx.get(url + "/healthz").json()
    assert health["status"] == "ok" and health["service"] == service and health["version"]
    ready = httpx.get(url + "/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert ready.json()["checks"]["database"] == "ok"


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_prometheus_text_with_request_metrics(platform, service: str) -> None:
    url = platform.urls[service]
    httpx.get(url + "/openapi.json")
    # The gateway's /metrics is on its public port, so it needs an admin (or the metrics) token.
    response = httpx.get(url + "/metrics", headers=platform.auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE http_requests_total counter" in response.text
    assert any(
        line.startswith("http_requests_total{") and 'handler="/openapi.json"' in line
        for line in response.text.splitlines()
    ), response.text[:2000]
    assert "http_request_duration_seconds_bucket" in response.text


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_describes_the_service(platform, service: str) -> None:
    document = httpx.get(platform.urls[service] + "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert service in document["info"]["title"]
    assert "/healthz" in document["paths"] and "/readyz" in document["paths"]
    template, _ = JSON_POST_ROUTES[service]
    assert template in document["paths"], f"{service} has no {template} route"


def _required_body_fields(document: dict, template: str) -> set[str]:
    operation = document["paths"][template].get("post")
    assert operation, f"{template} has no POST operation"
    content = operation.get("requestBody", {}).get("content", {})
    assert "application/json" in content, f"POST {template} takes no JSON body"
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", []))
    assert required, f"POST {template} has no required field to leave out"
    return required


@pytest.mark.parametrize("service", SERVICES)
def test_malformed_body_is_problem_json_422_naming_the_field(platform, service: str) -> None:
    url = platform.urls[service]
    template, path = JSON_POST_ROUTES[service]
    required = _required_body_fields(httpx.get(url + "/openapi.json").json(), template)

    response = httpx.post(url + path, json={}, headers=credentials(platform, service))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["code"] == "validation_error"
    assert problem["type"].endswith("/validation_error") and problem["title"]
    named = {tuple(error["loc"]) for error in problem["errors"]}
    assert {("body", name) for name in required} <= named
    assert all(name in problem["detail"] for name in required)


@pytest.mark.parametrize("service", SERVICES)
def test_body_that_is_not_json_is_422(platform, service: str) -> None:
    _, path = JSON_POST_ROUTES[service]
    response = httpx.post(
        platform.urls[service] + path,
        content=b"{oops",
        headers={**credentials(platform, service), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_get_on_a_post_only_api_path_is_405_naming_only_api_methods(platform) -> None:
    """The web UI's catch-all answers page paths only: an API path keeps its own ``Allow``."""
    answer = httpx.get(platform.gateway + "/api/v1/gc", headers=platform.auth)
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == "POST"
    assert answer.headers["content-type"] == "application/problem+json"
