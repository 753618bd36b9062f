"""Tokens through the real gateway process: issue, use, list, revoke; roles enforced."""

from __future__ import annotations

import secrets


def test_bootstrap_token_is_an_admin_named_kamld_up(gateway) -> None:
    with gateway.client(gateway.admin_token) as admin:
        answer = admin.get("/api/v1/tokens")
    assert answer.status_code == 200
    bootstrap = [t for t in answer.json() if t["name"] == "kamld-up"]
    assert bootstrap and bootstrap[0]["role"] == "admin"
    assert "token" not in bootstrap[0] and "secret_sha256" not in bootstrap[0]


def test_token_lifecycle(gateway) -> None:
    name = f"ci-{secrets.token_hex(4)}"
    with gateway.client(gateway.admin_token) as admin:
        created = admin.post("/api/v1/tokens", json={"name": name, "role": "viewer"})
        assert created.status_code == 201
        secret = created.json()["token"]
        assert created.json()["role"] == "viewer" and created.json()["hint"] == secret[:10]

        with gateway.client(secret) as viewer:
            assert viewer.get("/api/v1/tokens").status_code == 403
        listed = {t["name"]: t for t in admin.get("/api/v1/tokens").json()}
        assert listed[name]["last_used_at"] is not None
        assert "token" not in listed[name]

        again = admin.post("/api/v1/tokens", json={"name": name, "role": "editor"})
        assert again.status_code == 409 and again.json()["code"] == "token_exists"

        assert admin.delete(f"/api/v1/tokens/{name}").status_code == 204
        with gateway.client(secret) as revoked:
            refused = revoked.get("/api/v1/tokens")
        assert refused.status_code == 401 and refused.json()["code"] == "token_invalid"
        assert admin.delete(f"/api/v1/tokens/{name}").status_code == 404


def test_bad_token_input_names_the_field(gateway) -> None:
    with gateway.client(gateway.admin_token) as admin:
        bad_role = admin.post("/api/v1/tokens", json={"name": "x", "role": "root"})
        bad_name = admin.post("/api/v1/tokens", json={"name": "../etc", "role": "viewer"})
    assert bad_role.status_code == 422 and ["body", "role"] in [e["loc"] for e in bad_role.json()["errors"]]
    assert bad_name.status_code == 422 and ["body", "name"] in [e["loc"] for e in bad_name.json()["errors"]]


def test_anonymous_and_malformed_credentials_are_401(gateway) -> None:
    with gateway.client() as anonymous:
        answer = anonymous.get("/api/v1/tokens")
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert answer.headers["content-type"].startswith("application/problem+json")
        basic = anonymous.get("/api/v1/tokens", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status_code == 401
        wrong = anonymous.get("/api/v1/tokens", headers={"Authorization": "Bearer kamld_not-a-real-token"})
        assert wrong.status_code == 401
