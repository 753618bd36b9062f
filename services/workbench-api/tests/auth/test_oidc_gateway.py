"""The gateway with an OpenID Connect issuer configured, as real processes: a JWT signed by the
issuer is a user with the role its groups map to, and API tokens keep working when it is down."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from kamld_testing.oidc import OidcIssuer
from kamld_testing.processes import env_prefix, stop_services

from ..conftest import Gateway, start_services

GATEWAY = env_prefix("workbench-api")


@pytest.fixture(scope="module")
def issuer() -> Iterator[OidcIssuer]:
    served = OidcIssuer(audience="kamld-test")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def oidc_gateway(issuer: OidcIssuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    env = {
        GATEWAY + "OIDC_ISSUER": issuer.url,
        GATEWAY + "OIDC_AUDIENCE": "kamld-test",
        GATEWAY + "OIDC_ROLE_MAP": json.dumps({"vision": "editor", "everyone": "viewer"}),
        GATEWAY + "OIDC_JWKS_CACHE_S": "0",
    }
    started = start_services(tmp_path_factory.mktemp("kamld-oidc"), env)
    yield started
    stop_services(*started.services.values())


def call(gateway: Gateway, token: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.request(
        method, gateway.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs
    )


def test_a_jwt_user_acts_under_its_name_with_its_mapped_role(
    oidc_gateway: Gateway, issuer: OidcIssuer
) -> None:
    editor = issuer.token("alice", ["everyone", "vision"])
    me = call(oidc_gateway, editor, "GET", "/api/v1/me")
    assert me.status_code == 200, me.text
    assert (me.json()["name"], me.json()["role"]) == ("alice", "editor")
    made = call(
        oidc_gateway, editor, "POST", "/api/v1/artifacts", json={"name": "oidc-made", "kind": "dataset"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == "alice"

    viewer = issuer.token("bob", ["everyone"])
    refused = call(
        oidc_gateway, viewer, "POST", "/api/v1/artifacts", json={"name": "oidc-bob", "kind": "dataset"}
    )
    assert refused.status_code == 403
    assert refused.json()["required_role"] == "editor"
    assert call(oidc_gateway, viewer, "GET", "/api/v1/artifacts/oidc-made").status_code == 200


def test_bad_jwts_get_a_401_problem_naming_the_reason(oidc_gateway: Gateway, issuer: OidcIssuer) -> None:
    for token, reason in [
        (issuer.token("alice", ["vision"], expires_in=-3600), "expired"),
        (issuer.token("alice", ["vision"], aud="another-app"), "not meant for this platform"),
    ]:
        answer = call(oidc_gateway, token, "GET", "/api/v1/me")
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert reason in answer.json()["detail"]
    stranger = call(oidc_gateway, issuer.token("carol", ["strangers"]), "GET", "/api/v1/me")
    assert (stranger.status_code, stranger.json()["code"]) == (403, "no_role")


def test_a_down_issuer_refuses_jwts_with_503_while_api_tokens_keep_working(
    oidc_gateway: Gateway, issuer: OidcIssuer
) -> None:
    token = issuer.token("alice", ["vision"])
    issuer.stop()
    try:
        down = call(oidc_gateway, token, "GET", "/api/v1/me")
        assert down.status_code == 503
        assert down.json()["code"] == "identity_provider_unavailable"
        assert call(oidc_gateway, oidc_gateway.admin_token, "GET", "/api/v1/me").status_code == 200
    finally:
        issuer.start()
    assert call(oidc_gateway, token, "GET", "/api/v1/me").status_code == 200
