"""Alias policies over HTTP: set, read, delete; a refused move as problem+json; an override."""

from __future__ import annotations

POLICY = {
    "rules": [
        {"rule": "metric_not_worse", "metric": "accuracy"},
        {"rule": "metric_threshold", "metric": "accuracy", "min": 0.8},
    ]
}


async def test_policy_routes_and_refused_move(client, push, unique):
    name = f"pol-{unique}"
    await push(name, kind="model", metadata={"run": {"metrics": {"accuracy": 0.9}}})
    await push(name, kind="model", metadata={"run": {"metrics": {"accuracy": 0.7}}})
    url = f"/artifacts/{name}/aliases/production"
    missing = await client.get(f"{url}/policy")
    assert (missing.status_code, missing.json()["code"]) == (404, "policy_not_found")

    put = await client.put(f"{url}/policy", json=POLICY)
    assert put.status_code == 200, put.text
    assert put.json()["updated_by"] == "alice"
    assert put.json()["rules"][0] == {
        "rule": "metric_not_worse",
        "metric": "accuracy",
        "direction": "max",
        "tolerance": 0.0,
    }
    assert (await client.get(f"{url}/policy")).json()["rules"] == put.json()["rules"]

    assert (await client.put(url, json={"version": "v1"})).status_code == 200
    refused = await client.put(url, json={"version": "v2"})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "promotion_refused"
    assert [reason["rule"] for reason in problem["reasons"]] == ["metric_not_worse", "metric_threshold"]
    assert all(reason["message"] in problem["detail"] for reason in problem["reasons"])
    assert (await client.get(f"/artifacts/{name}/versions/production")).json()["number"] == 1

    forced = await client.put(
        url, json={"version": "v2", "override_reason": "rollback drill"}, headers={"X-Kamld-Caller": "root"}
    )
    assert forced.status_code == 200, forced.text
    history = (await client.get(f"{url}/history")).json()["items"]
    assert (history[0]["actor"], history[0]["override_reason"]) == ("root", "rollback drill")
    assert [reason["rule"] for reason in history[0]["overridden"]] == ["metric_not_worse", "metric_threshold"]
    assert (history[1]["override_reason"], history[1]["overridden"]) == (None, [])

    assert (await client.delete(f"{url}/policy")).status_code == 204
    assert (await client.delete(f"{url}/policy")).status_code == 404
    assert (await client.put(url, json={"version": "v1"})).status_code == 200


async def test_bad_policies_name_the_field(client, push, unique):
    name = f"polbad-{unique}"
    await push(name, kind="model")
    url = f"/artifacts/{name}/aliases/production/policy"
    bad = await client.put(url, json={"rules": [{"rule": "metric_threshold", "metric": "f1", "max": "high"}]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][:3] == ["body", "rules", 0]
    unknown = await client.put(url, json={"rules": [{"rule": "be_good"}]})
    assert unknown.status_code == 422
    reserved = await client.put(f"/artifacts/{name}/aliases/latest/policy", json=POLICY)
    assert (reserved.status_code, reserved.json()["errors"][0]["loc"]) == (422, ["path", "alias"])
    assert (
        await client.put(f"/artifacts/nope-{unique}/aliases/production/policy", json=POLICY)
    ).status_code == 404
    blank = await client.put(
        f"/artifacts/{name}/aliases/production", json={"version": "v1", "override_reason": ""}
    )
    assert (blank.status_code, blank.json()["errors"][0]["loc"]) == (422, ["body", "override_reason"])
