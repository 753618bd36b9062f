"""The artifact view and the pages of the version log are kept in memory like resolutions: a
repeated read is a cache hit, and every write to the artifact (push, alias move, label change,
archive) is seen at once, also by another replica sharing the database."""

from __future__ import annotations

from pathlib import Path

from kamld_metadata_hub.app import create_app
from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.versions.cache import LOOKUPS
from kamld_testing.asgi import asgi_client


def hits() -> float:
    return LOOKUPS.labels("hit")._value.get()


async def test_a_repeated_artifact_view_and_log_page_are_cache_hits(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    for url in (f"/artifacts/{name}", f"/artifacts/{name}/versions", f"/artifacts/{name}/versions?limit=1"):
        first = await client.get(url)
        before = hits()
        second = await client.get(url)
        assert hits() == before + 1, url
        assert second.json() == first.json()
        assert second.headers["content-type"] == "application/json"


async def test_log_pages_are_kept_apart(client, push, unique):
    name = f"faces-{unique}"
    for _ in range(3):
        await push(name)
    first = (await client.get(f"/artifacts/{name}/versions?limit=2")).json()
    assert [v["number"] for v in first["items"]] == [3, 2]
    assert first["next"] == "2"
    rest = (await client.get(f"/artifacts/{name}/versions?limit=2&after=2")).json()
    assert [v["number"] for v in rest["items"]] == [1]
    assert rest["next"] is None
    everything = (await client.get(f"/artifacts/{name}/versions")).json()
    assert [v["number"] for v in everything["items"]] == [3, 2, 1]


async def test_every_write_to_the_artifact_is_seen_at_once(client, push, unique):
    name = f"faces-{unique}"
    await push(name)
    show, log = f"/artifacts/{name}", f"/artifacts/{name}/versions"
    assert (await client.get(show)).json()["version_count"] == 1
    assert [v["aliases"] for v in (await client.get(log)).json()["items"]] == [["latest"]]
    await push(name)
    assert (await client.get(show)).json()["latest"]["number"] == 2
    assert [v["number"] for v in (await client.get(log)).json()["items"]] == [2, 1]
    assert (await client.put(f"{show}/aliases/prod", json={"version": "v1"})).status_code == 200
    assert [v["aliases"] for v in (await client.get(log)).json()["items"]] == [["latest"], ["prod"]]
    assert (await client.patch(show, json={"labels": {"team": "vision"}})).status_code == 200
    assert (await client.get(show)).json()["labels"] == {"team": "vision"}
    assert (await client.post(f"{show}/archive")).status_code == 200
    assert (await client.get(show)).json()["archived"] is True


async def test_an_unknown_artifact_is_a_404_every_time(client, unique):
    for _ in range(2):
        assert (await client.get(f"/artifacts/missing-{unique}")).status_code == 404
        assert (await client.get(f"/artifacts/missing-{unique}/versions")).status_code == 404


async def test_a_push_through_one_replica_is_in_the_others_views_at_once(
    database_url, push, unique, tmp_path: Path
):
    name = f"faces-{unique}"
    settings = Settings(database_url=database_url, data_dir=tmp_path, log_level="warning")
    headers = {"X-Kamld-Caller": "alice"}
    async with (
        asgi_client(create_app(settings), "http://replica-a", headers=headers) as a,
        asgi_client(create_app(settings), "http://replica-b", headers=headers) as b,
    ):
        await push(name)
        for _ in range(2):
            assert (await b.get(f"/artifacts/{name}")).json()["version_count"] == 1
            assert len((await b.get(f"/artifacts/{name}/versions")).json()["items"]) == 1
        body = {"digest": "blake3:" + "cd" * 32, "file_count": 1, "total_bytes": 1}
        assert (await a.post(f"/artifacts/{name}/versions", json=body)).status_code == 201
        assert (await b.get(f"/artifacts/{name}")).json()["version_count"] == 2
        assert len((await b.get(f"/artifacts/{name}/versions")).json()["items"]) == 2
