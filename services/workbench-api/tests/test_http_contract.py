"""What the gateway answers at the edges of its routes: who am I, 405s, trailing slashes, CORS,
and a GET that carries a body."""

from __future__ import annotations

import httpx
import pytest

from kamld_testing.processes import stop_services

from .conftest import start_services


def test_me_names_the_token_and_its_role(gateway, tokens) -> None:
    with gateway.client(tokens["viewer"]) as viewer:
        me = viewer.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["role"] == "viewer" and me.json()["name"].startswith("viewer-")
    with gateway.client(gateway.admin_token) as admin:
        assert admin.get("/api/v1/me").json() == {"name": "kamld-up", "role": "admin"}
    with gateway.client() as anonymous:
        refused = anonymous.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_a_405_names_every_method_of_the_path(gateway, tokens) -> None:
    """``GET`` and ``POST /artifacts`` are two routes; ``Allow`` names both."""
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.request("OPTIONS", "/api/v1/artifacts")
        tokens_answer = viewer.delete("/api/v1/tokens")
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert {m.strip() for m in answer.headers["allow"].split(",")} == {"GET", "POST"}
    assert {m.strip() for m in tokens_answer.headers["allow"].split(",")} == {"GET", "POST"}


def test_a_trailing_slash_is_not_redirected_to_the_host_the_client_named(gateway, tokens) -> None:
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.get("/api/v1/artifacts/", headers={"Host": "evil.example"})
    assert answer.status_code == 404
    assert "location" not in answer.headers


def test_a_get_with_a_body_is_forwarded_without_it(gateway, tokens) -> None:
    """The body of a GET is dropped on the way to storage-gateway, and so is its Content-Length."""
    digest = "blake3:" + "0" * 64
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.request("GET", f"/api/v1/chunks/{digest}", json={"digests": []})
    assert answer.status_code == 404, answer.text
    assert answer.json()["code"] == "chunk_not_found"


def test_cors_is_off_by_default(gateway) -> None:
    preflight = httpx.options(
        gateway.url + "/api/v1/artifacts",
        headers={"Origin": "https://ui.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture(scope="module")
def cors_gateway(tmp_path_factory: pytest.TempPathFactory):
    started = start_services(
        tmp_path_factory.mktemp("cors-home"),
        {"KAMLD_WORKBENCH_API_CORS_ORIGINS": '["https://ui.example"]'},
    )
    yield started
    stop_services(*started.services.values())


def test_cors_allows_the_configured_origins_only(cors_gateway) -> None:
    url = cors_gateway.url + "/api/v1/artifacts"
    allowed = httpx.options(
        url,
        headers={
            "Origin": "https://ui.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    other = httpx.options(
        url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert other.headers.get("access-control-allow-origin") is None
    listed = httpx.get(
        url, headers={"Origin": "https://ui.example", "Authorization": f"Bearer {cors_gateway.admin_token}"}
    )
    assert listed.status_code == 200
    assert listed.headers["access-control-allow-origin"] == "https://ui.example"
