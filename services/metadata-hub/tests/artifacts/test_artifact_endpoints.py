"""Artifacts over HTTP: create, get, list with filters, patch, archive."""

from __future__ import annotations

import pytest


async def test_create_get_and_duplicate(client, unique):
    name = f"faces-{unique}"
    response = await client.post(
        "/artifacts",
        json={"name": name, "kind": "dataset", "description": "Faces", "labels": {"team": "vision"}},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created | {"created_at": None, "updated_at": None} == {
        "name": name,
        "kind": "dataset",
        "description": "Faces",
        "labels": {"team": "vision"},
        "created_at": None,
        "created_by": "alice",
        "updated_at": None,
        "archived": False,
        "archived_at": None,
        "archived_by": None,
        "version_count": 0,
        "latest": None,
    }
    assert (await client.get(f"/artifacts/{name}")).json() == created
    again = await client.post("/artifacts", json={"name": name, "kind": "model"})
    assert again.status_code == 409
    assert again.json()["code"] == "artifact_exists"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Faces", "kind": "dataset"}, "name"),
        ({"name": "-faces", "kind": "dataset"}, "name"),
        ({"name": "a" * 129, "kind": "dataset"}, "name"),
        ({"name": "ok", "kind": "table"}, "kind"),
        ({"name": "ok", "kind": "dataset", "labels": {"Bad Key": "x"}}, "labels"),
        ({"name": "ok", "kind": "dataset", "labels": {"k": "v" * 257}}, "labels"),
        ({"name": "ok", "kind": "dataset", "color": "red"}, "color"),
    ],
)
async def test_bad_artifacts_are_422_naming_the_field(client, body, field):
    response = await client.post("/artifacts", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in {str(part) for error in response.json()["errors"] for part in error["loc"]}


async def test_unknown_artifact_suggests_close_names(client, unique):
    await client.post("/artifacts", json={"name": f"imagenet-{unique}", "kind": "dataset"})
    response = await client.get(f"/artifacts/imagenett-{unique}")
    assert response.status_code == 404
    assert response.json()["suggestions"][0] == f"imagenet-{unique}"
    assert (await client.get(f"/artifacts/zzzz-{unique}")).json()["code"] == "artifact_not_found"


async def test_list_filters_by_kind_and_labels_and_pages(client, unique):
    for index, (kind, labels) in enumerate(
        [
            ("dataset", {"team": "vision", "stage": "raw"}),
            ("dataset", {"team": "nlp"}),
            ("model", {"team": "vision"}),
            ("dataset", {}),
        ]
    ):
        await client.post("/artifacts", json={"name": f"l{unique}-{index}", "kind": kind, "labels": labels})

    async def names(**params) -> list[str]:
        collected, after = [], None
        while True:
            query = {**params, "limit": 1} | ({"after": after} if after else {})
            page = (await client.get("/artifacts", params=query)).json()
            collected += [a["name"] for a in page["items"] if a["name"].startswith(f"l{unique}-")]
            after = page["next"]
            if after is None:
                return collected

    assert await names() == [f"l{unique}-{i}" for i in range(4)]
    assert await names(kind="model") == [f"l{unique}-2"]
    assert await names(label="team=vision") == [f"l{unique}-0", f"l{unique}-2"]
    assert await names(label=["team=vision", "stage"]) == [f"l{unique}-0"]
    response = await client.get("/artifacts", params={"label": "Bad Key"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "label"]


async def test_patch_merges_labels_and_sets_description(client, unique):
    name = f"p-{unique}"
    await client.post("/artifacts", json={"name": name, "kind": "code", "labels": {"a": "1", "b": "2"}})
    response = await client.patch(
        f"/artifacts/{name}", json={"description": "new", "labels": {"a": None, "c": "3"}}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["description"], response.json()["labels"]) == ("new", {"b": "2", "c": "3"})
    assert (await client.patch(f"/artifacts/{name}", json={"labels": {"B": "x"}})).status_code == 422
    too_many = {f"k{i}": "v" for i in range(70)}
    assert (await client.patch(f"/artifacts/{name}", json={"labels": too_many})).status_code == 422
    assert (await client.patch(f"/artifacts/missing-{unique}", json={})).status_code == 404


async def test_archive_hides_from_listing_and_keeps_versions_readable(client, push, unique):
    name = f"old-{unique}"
    await push(name)
    archived = (await client.post(f"/artifacts/{name}/archive")).json()
    assert (archived["archived"], archived["archived_by"]) == (True, "alice")
    listed = {a["name"] for a in (await client.get("/artifacts", params={"limit": 1000})).json()["items"]}
    assert name not in listed
    listed = {
        a["name"]
        for a in (await client.get("/artifacts", params={"limit": 1000, "include_archived": True})).json()[
            "items"
        ]
    }
    assert name in listed
    assert (await client.get(f"/artifacts/{name}/versions/latest")).status_code == 200
    restored = (await client.post(f"/artifacts/{name}/unarchive")).json()
    assert (restored["archived"], restored["archived_at"]) == (False, None)


async def test_openapi_documents_every_route_with_a_summary(client):
    spec = (await client.get("/openapi.json")).json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert len(operations) >= 18
    assert all(op.get("summary") for op in operations)
    assert "/artifacts/{name}/versions/{ref}/lineage" in spec["paths"]
