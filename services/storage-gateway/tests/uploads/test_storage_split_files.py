"""``POST /uploads/{id}/split-files`` over real HTTP, on SQLite and PostgreSQL: a version's files
staged as ``PART/PATH`` by the shared seeded partition, giving the very manifest the client-side
split committed; bad input refused as problem+json, leaving the session usable."""

from __future__ import annotations

import json
import secrets

import httpx
import pytest

from kamld_content.framing import MEDIA_TYPE, encode_frame
from kamld_content.hashing import digest_bytes
from kamld_content.split import partition

FILES = 60


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def entry(path: str, data: bytes) -> dict:
    digest = digest_bytes(data)
    return {"path": path, "size": len(data), "mode": 420, "digest": digest, "chunks": [[digest, len(data)]]}


def ndjson(entries: list[dict]) -> bytes:
    """The body the SDK committed when it split on the client: canonical fields, sorted by path bytes."""
    ordered = sorted(entries, key=lambda e: e["path"].encode())
    return "".join(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n" for e in ordered).encode()


def commit(client: httpx.Client, session: str, body: bytes = b"") -> dict:
    response = client.post(
        f"/uploads/{session}/commit", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def open_session(client: httpx.Client) -> str:
    response = client.post("/uploads")
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def client(any_gateway):
    with any_gateway.client() as http:
        yield http


@pytest.fixture
def source(client, metadata_hub) -> tuple[str, list[dict]]:
    """A registered version of ``FILES`` small files (``img/NNN.png``) and ``labels.csv``."""
    name = f"split-src-{secrets.token_hex(4)}"
    blobs = {f"img/{i:03d}.png": f"{name} image {i}".encode() * 20 for i in range(FILES)}
    blobs["labels.csv"] = f"id,label\n{name}\n".encode()
    session = open_session(client)
    frames = b"".join(encode_frame(digest_bytes(data), data) for data in blobs.values())
    sent = client.post(f"/uploads/{session}/chunks", content=frames, headers={"Content-Type": MEDIA_TYPE})
    assert sent.status_code == 200, sent.text
    entries = [entry(path, data) for path, data in blobs.items()]
    committed = commit(client, session, ndjson(entries))
    with metadata_hub.client() as hub:
        response = hub.post(
            f"/artifacts/{name}/versions",
            json={
                "digest": committed["digest"],
                "file_count": committed["file_count"],
                "total_bytes": committed["total_bytes"],
                "kind": "dataset",
            },
        )
        assert response.status_code == 201, response.text
    return name, entries


def expected_digest(client: httpx.Client, entries: list[dict], *, test: float, val: float, seed: int) -> str:
    """The digest the client-side split gave: the shared partition, committed as NDJSON."""
    parts = partition(entries, path=lambda e: e["path"], test=test, val=val, seed=seed)
    moved = [{**e, "path": f"{part}/{e['path']}"} for part, chosen in parts.items() for e in chosen]
    return str(commit(client, open_session(client), ndjson(moved))["digest"])


def test_split_files_gives_the_client_side_split_digest(client, source) -> None:
    name, entries = source
    session = open_session(client)
    body = {"source": f"{name}:v1", "test": 0.3, "val": 0.1, "seed": 42, "exclude": ["labels.csv"]}
    response = client.post(f"/uploads/{session}/split-files", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["version"] == f"{name}:v1" and answer["excluded"] == 1
    assert answer["counts"] == {"test": 18, "val": 6, "train": 36}
    made = commit(client, session)
    assert made["file_count"] == FILES
    kept = [e for e in entries if e["path"] != "labels.csv"]
    assert made["digest"] == expected_digest(client, kept, test=0.3, val=0.1, seed=42)

    again = open_session(client)
    assert client.post(f"/uploads/{again}/split-files", json={**body, "source": name}).status_code == 200
    assert commit(client, again)["digest"] == made["digest"]  # latest is v1: the same seed, the same digest


def test_split_files_merges_with_files_uploaded_whole_and_without_val(client, source) -> None:
    name, entries = source
    session = open_session(client)
    put = client.put(f"/uploads/{session}/files/test/labels.csv", content=b"id,label\n")
    assert put.status_code in (200, 201), put.text
    body = {"source": name, "test": 0.5, "seed": 3, "exclude": ["labels.csv"]}
    response = client.post(f"/uploads/{session}/split-files", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"test": 30, "train": 30}
    made = commit(client, session)
    assert made["file_count"] == FILES + 1
    listed = client.get(f"/manifests/{made['digest']}/files", params={"limit": 1000}).json()["items"]
    assert sum(item["path"].startswith("test/") for item in listed) == 31


def test_bad_split_files_input_is_refused_and_the_session_stays_open(client, source) -> None:
    name, _ = source
    session = open_session(client)
    url = f"/uploads/{session}/split-files"

    missing = problem(client.post(url, json={"source": f"no-such-{name}:v1", "test": 0.3}), 404)
    assert f"no-such-{name}:v1" in missing["detail"]
    assert problem(client.post(url, json={"source": f"{name}:v9", "test": 0.3}), 404)["code"]
    bad = problem(client.post(url, json={"source": "Not A Ref", "test": 0.3}), 422)
    assert bad["errors"][0]["loc"] == ["body", "source"]
    for fractions, field in [({"test": 1.2}, "test"), ({"test": 0.3, "val": -1}, "val")]:
        refused = problem(client.post(url, json={"source": name, **fractions}), 422)
        assert field in refused["errors"][0]["loc"]
    over = problem(client.post(url, json={"source": name, "test": 0.6, "val": 0.4}), 422)
    assert over["errors"][0]["loc"] == ["body", "val"]
    absent = problem(client.post(url, json={"source": name, "test": 0.3, "exclude": ["nope.csv"]}), 422)
    assert absent["errors"][0]["loc"] == ["body", "exclude"] and "nope.csv" in absent["detail"]

    assert commit(client, session)["file_count"] == 0
    assert problem(client.post(url, json={"source": name, "test": 0.3}), 409)["code"] == "upload_committed"
    assert problem(client.post(f"/uploads/{'0' * 32}/split-files", json={"source": name, "test": 0.3}), 404)
