"""Pushing, resolving and listing versions over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest


async def test_first_push_creates_the_artifact_and_moves_latest(client, push, unique, digest):
    name = f"faces-{unique}"
    version = await push(
        name, digest=digest, message="first images", metadata={"rows": 3}, file_count=3, total_bytes=1234
    )
    assert version["number"] == 1
    assert version["name"] == "v1"
    assert version["ref"] == f"{name}:v1"
    assert version["digest"] == digest
    assert version["parents"] == []
    assert version["author"] == "alice"
    assert version["aliases"] == ["latest"]
    assert version["metadata"] == {"rows": 3}
    assert (version["file_count"], version["total_bytes"]) == (3, 1234)

    artifact = (await client.get(f"/artifacts/{name}")).json()
    assert artifact["kind"] == "dataset"
    assert artifact["created_by"] == "alice"
    assert artifact["version_count"] == 1
    assert artifact["latest"]["ref"] == f"{name}:v1"


async def test_second_push_has_the_first_as_parent_and_takes_latest(client, push, unique):
    name = f"faces-{unique}"
    first = await push(name)
    second = await push(name, message="more")
    assert second["number"] == 2
    assert [p["ref"] for p in second["parents"]] == [first["ref"]]
    assert second["aliases"] == ["latest"]
    assert (await client.get(f"/artifacts/{name}/versions/v1")).json()["aliases"] == []


async def test_push_without_kind_to_unknown_artifact_is_404_with_suggestions(
    client, push, unique, make_digest
):
    await push(f"faces-{unique}")
    response = await client.post(
        f"/artifacts/fces-{unique}/versions",
        json={"digest": make_digest(), "file_count": 0, "total_bytes": 0},
    )
    assert response.status_code == 404
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert body["code"] == "artifact_not_found"
    assert f"faces-{unique}" in body["suggestions"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("digest", "sha256:" + "0" * 64),
        ("digest", "blake3:" + "A" * 64),
        ("digest", "blake3:abc"),
        ("file_count", -1),
        ("total_bytes", "many"),
        ("metadata", [1, 2]),
        ("kind", "table"),
        ("message", "nul\x00byte"),
        ("unknown_field", 1),
    ],
)
async def test_bad_version_fields_are_422_naming_the_field(client, unique, make_digest, field, value):
    body = {"digest": make_digest(), "file_count": 1, "total_bytes": 1, "kind": "dataset", field: value}
    response = await client.post(f"/artifacts/bad-{unique}/versions", json=body)
    assert response.status_code == 422, response.text
    assert field in {str(part) for error in response.json()["errors"] for part in error["loc"]}
    assert (await client.get(f"/artifacts/bad-{unique}")).status_code == 404


async def test_nan_in_metadata_is_422(client, unique, make_digest):
    raw = (
        f'{{"digest": "{make_digest()}", "file_count": 1, "total_bytes": 1, "kind": "model", '
        '"metadata": {"loss": NaN}}'
    )
    response = await client.post(
        f"/artifacts/m-{unique}/versions", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["body", "metadata"]


async def test_invalid_artifact_name_is_422_naming_name(client, make_digest):
    response = await client.post(
        "/artifacts/Bad_Name/versions",
        json={"digest": make_digest(), "file_count": 1, "total_bytes": 1, "kind": "dataset"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "name"]
    response = await client.get("/artifacts/" + "a" * 129)
    assert response.status_code == 422


async def test_resolve_by_number_alias_and_digest_prefix(client, push, unique):
    name = f"faces-{unique}"
    first = await push(name)
    second = await push(name)
    hex_digest = first["digest"].removeprefix("blake3:")
    for ref in ("v1", "1", hex_digest[:8], "blake3:" + hex_digest[:12], hex_digest.upper()[:10]):
        response = await client.get(f"/artifacts/{name}/versions/{ref}")
        assert response.status_code == 200, (ref, response.text)
        assert response.json()["number"] == 1
    assert (await client.get(f"/artifacts/{name}/versions/latest")).json()["number"] == 2
    resolved = (await client.get("/resolve", params={"ref": name})).json()
    assert (resolved["number"], resolved["path"]) == (2, None)
    resolved = (await client.get("/resolve", params={"ref": f"{name}:v1/train/a.csv"})).json()
    assert (resolved["number"], resolved["path"], resolved["digest"]) == (1, "train/a.csv", first["digest"])
    assert second["digest"] != first["digest"]


async def test_unknown_and_bad_references(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    assert (await client.get(f"/artifacts/{name}/versions/v9")).json()["code"] == "version_not_found"
    assert (await client.get(f"/artifacts/{name}/versions/production")).json()["code"] == "alias_not_found"
    assert (await client.get(f"/artifacts/{name}/versions/0123abcd")).status_code == 404
    for bad in ("v0", "bad ref!", "blake3:xyz"):
        response = await client.get(f"/artifacts/{name}/versions/{bad}")
        assert response.status_code == 422, bad
    for bad in (f"{name}:v1/../etc/passwd", f"{name}:v1//x", "Nope:v1", f"{name}:v1/"):
        response = await client.get("/resolve", params={"ref": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["loc"] == ["query", "ref"]
    response = await client.get("/resolve", params={"ref": f"nonexistent-{unique}:v1"})
    assert response.status_code == 404


async def test_ambiguous_digest_prefix_is_409_listing_candidates(client, push, unique):
    name = f"twins-{unique}"
    shared = "feedface"
    one = await push(name, digest="blake3:" + shared + "1" * 56)
    two = await push(name, digest="blake3:" + shared + "2" * 56)
    response = await client.get(f"/artifacts/{name}/versions/{shared}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ambiguous_ref"
    assert {c["ref"] for c in body["candidates"]} == {one["ref"], two["ref"]}
    assert (await client.get(f"/artifacts/{name}/versions/{shared}2")).json()["number"] == 2


async def test_log_is_newest_first_and_paged(client, push, unique):
    name = f"log-{unique}"
    for _ in range(5):
        await push(name)
    page = (await client.get(f"/artifacts/{name}/versions", params={"limit": 2})).json()
    assert [v["number"] for v in page["items"]] == [5, 4]
    numbers = [v["number"] for v in page["items"]]
    while page["next"]:
        page = (
            await client.get(f"/artifacts/{name}/versions", params={"limit": 2, "after": page["next"]})
        ).json()
        numbers += [v["number"] for v in page["items"]]
    assert numbers == [5, 4, 3, 2, 1]
    assert (await client.get(f"/artifacts/{name}/versions", params={"after": "x"})).status_code == 422
    # A digit outside ASCII ("²" is a digit to str.isdigit, not to int) is a bad cursor, not a crash.
    assert (await client.get(f"/artifacts/{name}/versions", params={"after": "v²"})).status_code == 422
    assert (await client.get(f"/artifacts/{name}/versions", params={"limit": 0})).status_code == 422


async def test_inputs_link_versions_of_other_artifacts(client, push, unique):
    data = await push(f"data-{unique}")
    model = await push(
        f"model-{unique}", kind="model", inputs=[{"ref": f"data-{unique}:v1", "role": "trained_on"}]
    )
    assert model["inputs"] == [
        {**{k: data[k] for k in ("artifact", "number", "name", "ref", "digest")}, "role": "trained_on"}
    ]
    response = await client.post(
        f"/artifacts/model-{unique}/versions",
        json={
            "digest": data["digest"],
            "file_count": 1,
            "total_bytes": 1,
            "inputs": [{"ref": f"model-{unique}:v1", "role": "derived_from"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "inputs", 0, "ref"]
    response = await client.post(
        f"/artifacts/model-{unique}/versions",
        json={
            "digest": data["digest"],
            "file_count": 1,
            "total_bytes": 1,
            "inputs": [{"ref": f"data-{unique}:v7", "role": "trained_on"}],
        },
    )
    assert response.status_code == 404
    response = await client.post(
        f"/artifacts/model-{unique}/versions",
        json={
            "digest": data["digest"],
            "file_count": 1,
            "total_bytes": 1,
            "inputs": [{"ref": f"data-{unique}:v1", "role": "parent"}],
        },
    )
    assert response.status_code == 422
    assert (await client.get(f"/artifacts/model-{unique}")).json()["version_count"] == 1


async def test_expected_parent_and_explicit_parents(client, push, unique):
    name = f"cas-{unique}"
    await push(name)
    await push(name, expected_parent="v1")
    stale = await push(name, expected_parent="v1", expect=409)
    assert stale["code"] == "parent_mismatch"
    assert stale["current"] == f"{name}:v2"
    merged = await push(name, parents=["v1", "v2", "1"])
    assert [p["number"] for p in merged["parents"]] == [1, 2]


async def test_kind_mismatch_and_archived_artifacts_refuse_pushes(client, push, unique):
    name = f"arch-{unique}"
    await push(name)
    assert (await push(name, kind="model", expect=409))["code"] == "kind_mismatch"
    assert (await client.post(f"/artifacts/{name}/archive")).json()["archived"] is True
    assert (await push(name, expect=409))["code"] == "artifact_archived"
    assert (await client.get(f"/artifacts/{name}/versions/v1")).status_code == 200
    await client.post(f"/artifacts/{name}/unarchive")
    assert (await push(name))["number"] == 2


async def test_digests_lists_every_digest_sorted_and_paged(client, push, unique):
    pushed = {(await push(f"gc-{unique}"))["digest"] for _ in range(3)}
    archived = await push(f"gc-archived-{unique}")
    await client.post(f"/artifacts/gc-archived-{unique}/archive")
    seen: list[str] = []
    after = None
    while True:
        params = {"limit": 2} | ({"after": after} if after else {})
        page = (await client.get("/digests", params=params)).json()
        seen += page["items"]
        after = page["next"]
        if after is None:
            break
    assert seen == sorted(set(seen))
    assert pushed | {archived["digest"]} <= set(seen)


async def test_catalog_versions_lists_every_version_in_order_recorded_and_paged(client, push, unique):
    name, other = f"check-{unique}", f"check-other-{unique}"
    mine = [await push(name) for _ in range(3)]
    await push(other)
    seen: list[dict] = []
    after = None
    while True:
        params = {"artifact": name, "limit": 2} | ({"after": after} if after else {})
        page = (await client.get("/catalog-versions", params=params)).json()
        assert page["total"] == 3
        seen += page["items"]
        after = page["next"]
        if after is None:
            break
    assert seen == [{"artifact": name, "number": v["number"], "digest": v["digest"]} for v in mine]
    everything = (await client.get("/catalog-versions", params={"limit": 1000})).json()
    assert {(item["artifact"], item["number"]) for item in everything["items"]} >= {(other, 1), (name, 3)}
    assert everything["total"] >= 4

    unknown = await client.get("/catalog-versions", params={"artifact": f"no-such-{unique}"})
    assert unknown.status_code == 404
    assert (unknown.json()["code"], unknown.json()["field"]) == ("artifact_not_found", ["query", "artifact"])
    bad = await client.get("/catalog-versions", params={"after": "abc"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "after"


async def test_push_of_the_newest_content_records_nothing_unless_allow_empty(client, push, unique):
    name = f"same-{unique}"
    first = await push(name, metadata={"rows": 3})
    again = await push(name, digest=first["digest"], message="again", expect=200)
    assert again["unchanged"] is True
    assert (again["number"], again["message"], again["metadata"]) == (1, "", {"rows": 3})
    assert (await client.get(f"/artifacts/{name}")).json()["version_count"] == 1

    forced = await push(name, digest=first["digest"], message="forced", allow_empty=True)
    assert (forced["number"], forced["unchanged"]) == (2, False)
    changed = await push(name)
    assert changed["number"] == 3, "a no-op push must not use up a version number"
    older = await push(name, digest=first["digest"])
    assert older["number"] == 4, "content equal to an older version (not the newest) is a new version"


async def test_push_applies_labels_and_description_to_an_existing_artifact(client, push, unique):
    name = f"labelled-{unique}"
    await push(name, labels={"team": "vision"}, description="faces")
    await push(name, labels={"stage": "raw"}, description="faces, cropped")
    artifact = (await client.get(f"/artifacts/{name}")).json()
    assert artifact["labels"] == {"stage": "raw", "team": "vision"}
    assert artifact["description"] == "faces, cropped"

    latest = (await client.get(f"/artifacts/{name}/versions/latest")).json()
    noop = await push(name, digest=latest["digest"], labels={"stage": "clean"}, expect=200)
    assert noop["unchanged"] is True
    assert (await client.get(f"/artifacts/{name}")).json()["labels"]["stage"] == "clean"


async def test_a_refused_push_leaves_labels_description_and_versions_unchanged(client, push, unique):
    name = f"refused-{unique}"
    await push(name, labels={"team": "vision"}, description="faces")
    await push(name)
    before = (await client.get(f"/artifacts/{name}")).json()
    stale = await push(name, expected_parent="v1", labels={"team": "audio"}, description="x", expect=409)
    assert stale["code"] == "parent_mismatch"
    missing = await push(
        name, inputs=[{"ref": f"nothing-{unique}:v1", "role": "input"}], labels={"a": "b"}, expect=404
    )
    assert missing["code"] == "artifact_not_found"
    many = {f"k{i}": "v" for i in range(64)}
    too_many = await push(name, labels=many, expect=422)
    assert too_many["errors"][0]["loc"] == ["body", "labels"]
    after = (await client.get(f"/artifacts/{name}")).json()
    assert (after["labels"], after["description"], after["version_count"]) == (
        before["labels"],
        before["description"],
        2,
    )


async def test_metadata_nested_too_deep_is_422_naming_metadata(client, unique, make_digest):
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["child"] = {}
        node = node["child"]
    body = {"digest": make_digest(), "file_count": 1, "total_bytes": 1, "kind": "model", "metadata": deep}
    response = await client.post(f"/artifacts/deep-{unique}/versions", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", "metadata"]
