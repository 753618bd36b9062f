"""Aliases over HTTP: set, move, compare-and-set, delete, history; `latest` is the push's."""

from __future__ import annotations


async def test_set_move_delete_and_history(client, push, unique):
    name = f"al-{unique}"
    for _ in range(3):
        await push(name)
    response = await client.put(f"/artifacts/{name}/aliases/production", json={"version": "v1"})
    assert response.status_code == 200, response.text
    assert response.json()["version"]["ref"] == f"{name}:v1"
    assert response.json()["updated_by"] == "alice"
    await client.put(
        f"/artifacts/{name}/aliases/production", json={"version": "2"}, headers={"X-Kamld-Caller": "bob"}
    )
    await client.put(f"/artifacts/{name}/aliases/production", json={"version": "2"})  # no move, no record
    assert (await client.get(f"/artifacts/{name}/versions/production")).json()["number"] == 2
    aliases = (await client.get(f"/artifacts/{name}/aliases")).json()
    assert [(a["alias"], a["version"]["number"]) for a in aliases] == [("latest", 3), ("production", 2)]
    assert (await client.delete(f"/artifacts/{name}/aliases/production")).status_code == 204
    assert (await client.delete(f"/artifacts/{name}/aliases/production")).status_code == 404
    history = (await client.get(f"/artifacts/{name}/aliases/production/history")).json()
    unicode_digit = await client.get(f"/artifacts/{name}/aliases/production/history", params={"after": "²"})
    assert unicode_digit.status_code == 422
    assert [(e["action"], e["from_version"], e["to_version"], e["actor"]) for e in history["items"]] == [
        ("delete", 2, None, "alice"),
        ("move", 1, 2, "bob"),
        ("set", None, 1, "alice"),
    ]
    first_page = (
        await client.get(f"/artifacts/{name}/aliases/production/history", params={"limit": 2})
    ).json()
    rest = (
        await client.get(
            f"/artifacts/{name}/aliases/production/history", params={"after": first_page["next"]}
        )
    ).json()
    assert [e["action"] for e in first_page["items"] + rest["items"]] == ["delete", "move", "set"]


async def test_latest_history_follows_pushes(client, push, unique):
    name = f"lt-{unique}"
    await push(name)
    await push(name)
    history = (await client.get(f"/artifacts/{name}/aliases/latest/history")).json()["items"]
    assert [(e["from_version"], e["to_version"]) for e in history] == [(1, 2), (None, 1)]


async def test_compare_and_set(client, push, unique):
    name = f"cas-{unique}"
    for _ in range(3):
        await push(name)
    await client.put(f"/artifacts/{name}/aliases/staging", json={"version": "v1"})
    ok = await client.put(
        f"/artifacts/{name}/aliases/staging", json={"version": "v2", "expected_version": "v1"}
    )
    assert ok.status_code == 200
    lost = await client.put(
        f"/artifacts/{name}/aliases/staging", json={"version": "v3", "expected_version": "v1"}
    )
    assert lost.status_code == 409
    assert (lost.json()["code"], lost.json()["current"]) == ("alias_mismatch", f"{name}:v2")
    absent = await client.put(
        f"/artifacts/{name}/aliases/canary", json={"version": "v3", "expected_version": "v1"}
    )
    assert absent.status_code == 409
    assert (await client.get(f"/artifacts/{name}/versions/staging")).json()["number"] == 2


async def test_bad_aliases(client, push, unique):
    name = f"bad-{unique}"
    await push(name)
    for alias, status in [("latest", 422), ("v2", 422), ("deadbeef", 422), ("Prod", 422), ("x" * 64, 422)]:
        response = await client.put(f"/artifacts/{name}/aliases/{alias}", json={"version": "v1"})
        assert response.status_code == status, (alias, response.text)
        assert response.json()["errors"][0]["loc"] == ["path", "alias"]
    assert (await client.delete(f"/artifacts/{name}/aliases/latest")).status_code == 422
    response = await client.put(f"/artifacts/{name}/aliases/prod", json={"version": "v9"})
    assert response.status_code == 404
    response = await client.put(f"/artifacts/{name}/aliases/prod", json={"version": "not a ref"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "version"]
    response = await client.put(f"/artifacts/missing-{unique}/aliases/prod", json={"version": "v1"})
    assert response.status_code == 404
    await client.post(f"/artifacts/{name}/archive")
    response = await client.put(f"/artifacts/{name}/aliases/prod", json={"version": "v1"})
    assert response.status_code == 409


async def test_an_unknown_alias_suggests_the_names_it_may_mean(client, push, unique):
    name = f"sug-{unique}"
    await push(name)
    await client.put(f"/artifacts/{name}/aliases/production", json={"version": "v1"})
    await client.put(f"/artifacts/{name}/aliases/staging", json={"version": "v1"})

    resolved = await client.get(f"/artifacts/{name}/versions/prod")
    assert resolved.status_code == 404
    assert resolved.json()["code"] == "alias_not_found"
    assert resolved.json()["suggestions"] == ["production"]
    assert "did you mean production?" in resolved.json()["detail"]

    misspelt = await client.delete(f"/artifacts/{name}/aliases/stagin")
    assert misspelt.status_code == 404
    assert misspelt.json()["suggestions"] == ["staging"]

    nothing_close = await client.get(f"/artifacts/{name}/versions/qa")
    assert nothing_close.json()["suggestions"] == []
