"""Promotion gates through the real gateway and metadata-hub: the refusal passes through with every
reason, only an admin overrides (403 naming the field otherwise), and the history keeps who and why."""

from __future__ import annotations

import secrets

RULES = {
    "rules": [
        {"rule": "metric_not_worse", "metric": "accuracy"},
        {"rule": "requires_metadata", "key": "review.approved", "value": True},
    ]
}


def test_refusal_override_and_history(gateway, tokens, push) -> None:
    name = f"gated-{secrets.token_hex(3)}"
    with gateway.client(tokens["editor"]) as editor, gateway.client(tokens["admin"]) as admin:
        push(editor, name, {"m.txt": b"one"}, kind="model", metadata={"run": {"metrics": {"accuracy": 0.9}}})
        push(editor, name, {"m.txt": b"two"}, metadata={"run": {"metrics": {"accuracy": 0.6}}})
        url = f"/api/v1/artifacts/{name}/aliases/production"
        denied = editor.put(f"{url}/policy", json=RULES)
        assert (denied.status_code, denied.json()["code"]) == (403, "role_required")
        assert admin.put(f"{url}/policy", json=RULES).status_code == 200
        assert editor.get(f"{url}/policy").json()["rules"][1]["key"] == "review.approved"

        refused = editor.put(url, json={"version": "v1"})
        assert refused.status_code == 409
        assert [r["rule"] for r in refused.json()["reasons"]] == ["requires_metadata"]
        assert admin.put(url, json={"version": "v1", "override_reason": "first release"}).status_code == 200

        refused = editor.put(url, json={"version": "v2"})
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["code"] == "promotion_refused"
        assert [r["rule"] for r in problem["reasons"]] == ["metric_not_worse", "requires_metadata"]
        assert "0.6" in problem["reasons"][0]["message"] and f"{name}:v1" in problem["reasons"][0]["message"]

        not_admin = editor.put(url, json={"version": "v2", "override_reason": "trust me"})
        assert not_admin.status_code == 403
        assert (not_admin.json()["code"], not_admin.json()["field"]) == (
            "override_requires_admin",
            ["body", "override_reason"],
        )
        assert editor.get(f"/api/v1/artifacts/{name}/versions/production").json()["number"] == 1

        forced = admin.put(url, json={"version": "v2", "override_reason": "rollback drill"})
        assert forced.status_code == 200, forced.text
        history = editor.get(f"{url}/history").json()["items"]
        assert [(e["to_version"], e["override_reason"]) for e in history] == [
            (2, "rollback drill"),
            (1, "first release"),
        ]
        assert history[0]["actor"] == admin.get("/api/v1/me").json()["name"]
        assert [r["rule"] for r in history[0]["overridden"]] == ["metric_not_worse", "requires_metadata"]

        assert admin.delete(f"{url}/policy").status_code == 204
        assert editor.put(url, json={"version": "v1"}).status_code == 200
