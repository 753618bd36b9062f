"""Input that used to reach a 5xx, a wrong resource or a mangled file, sent through the real gateway.

Requests go out through ``http.client``, which sends the target exactly as written: httpx would
resolve ``..`` segments itself and never let the server see them.
"""

from __future__ import annotations

import http.client
import json
import secrets
from urllib.parse import urlsplit

import httpx
import pytest

from kamld_content.framing import decode_frames
from kamld_content.hashing import digest_bytes

from .conftest import Gateway


def send(
    gateway: Gateway, method: str, target: str, token: str, body: bytes | None = None, **headers: str
) -> tuple[int, dict]:
    where = urlsplit(gateway.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers={"Authorization": f"Bearer {token}", **headers})
        answer = connection.getresponse()
        data = answer.read()
        is_json = "json" in answer.getheader("content-type", "")
        return answer.status, json.loads(data) if is_json and data else {}
    finally:
        connection.close()


@pytest.fixture(scope="module")
def dataset(gateway: Gateway, tokens, push) -> str:
    name = f"hostile-{secrets.token_hex(4)}"
    with gateway.client(tokens["editor"]) as client:
        push(client, name, {"a.txt": b"alpha", "dir/b.txt": b"bravo"}, kind="dataset")
    return name


def open_upload(gateway: Gateway, token: str) -> str:
    with gateway.client(token) as client:
        return client.post("/api/v1/uploads").raise_for_status().json()["id"]


@pytest.mark.parametrize(
    "path",
    ["a%FFb", "a%FEb", "x/%C0%AF", "%ED%A0%80", "a/../b", "a/./b", "%2e%2e/b", "a/%2E/b", "a%2f..%2fb"],
)
def test_a_pushed_path_that_is_not_valid_utf8_or_has_dot_segments_is_refused(gateway, tokens, path) -> None:
    upload = open_upload(gateway, tokens["editor"])
    status, problem = send(
        gateway, "PUT", f"/api/v1/uploads/{upload}/files/{path}", tokens["editor"], b"data"
    )
    assert status == 422, problem
    assert problem["code"] == "invalid_path"
    assert path in problem["detail"]

    committed = send(
        gateway,
        "POST",
        f"/api/v1/uploads/{upload}/commit",
        tokens["editor"],
        b"",
        **{"Content-Type": "application/x-ndjson"},
    )
    assert committed[0] == 200 and committed[1]["file_count"] == 0  # nothing was stored under another name


@pytest.mark.parametrize("ref", ["..", ".", "%2e%2e", "%2E.", "..%2F.."])
def test_a_version_reference_that_is_a_dot_segment_is_refused(gateway, tokens, dataset, ref) -> None:
    for tail in ("", "/files", "/files/a.txt", "/lineage"):
        status, problem = send(
            gateway, "GET", f"/api/v1/artifacts/{dataset}/versions/{ref}{tail}", tokens["viewer"]
        )
        assert (status, problem.get("code")) == (422, "invalid_path"), (tail, problem)


def test_invalid_utf8_in_a_query_is_refused(gateway, tokens, dataset) -> None:
    status, problem = send(
        gateway, "GET", f"/api/v1/artifacts/{dataset}/versions?after=%FF", tokens["viewer"]
    )
    assert (status, problem["code"]) == (422, "invalid_query")


def test_an_empty_diff_reference_is_refused(gateway, tokens, dataset) -> None:
    status, problem = send(gateway, "GET", f"/api/v1/artifacts/{dataset}/diff?from=&to=v1", tokens["viewer"])
    assert status == 422, problem
    assert problem["errors"][0]["loc"][-1] == "from"


def test_a_grace_period_too_large_to_compute_with_is_refused(gateway, tokens) -> None:
    status, problem = send(gateway, "POST", "/api/v1/gc?grace_s=100000000000&dry_run=true", tokens["admin"])
    assert status == 422, problem
    assert problem["errors"][0]["loc"][-1] == "grace_s"


@pytest.mark.parametrize("header", ["Range", "If-Range", "If-None-Match"])
def test_a_non_ascii_conditional_header_is_a_client_error(gateway, tokens, dataset, header) -> None:
    value = {"Range": "bytes=0-\xe9", "If-Range": '"\xe9"', "If-None-Match": '"\xe9"'}[header]
    status, problem = send(
        gateway,
        "GET",
        f"/api/v1/artifacts/{dataset}/versions/latest/files/a.txt",
        tokens["viewer"],
        **{header: value},
    )
    assert status == 400, problem
    assert header in problem["detail"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_json_cannot_carry_is_refused_in_version_metadata(gateway, tokens, dataset, number) -> None:
    with gateway.client(tokens["editor"]) as client:
        digest = (
            client.get(f"/api/v1/artifacts/{dataset}/versions/latest").raise_for_status().json()["digest"]
        )
    body = f'{{"digest": "{digest}", "metadata": {{"score": {number}}}}}'.encode()
    status, problem = send(
        gateway,
        "POST",
        f"/api/v1/artifacts/{dataset}/versions",
        tokens["editor"],
        body,
        **{"Content-Type": "application/json"},
    )
    assert status == 422, problem


def test_a_chunk_no_committed_manifest_names_is_not_served(gateway, tokens) -> None:
    blob = secrets.token_bytes(2048)
    digest = digest_bytes(blob)
    with gateway.client(tokens["editor"]) as editor:
        upload = open_upload(gateway, tokens["editor"])
        stored = editor.put(f"/api/v1/chunks/{digest}", params={"upload_id": upload}, content=blob)
        assert stored.status_code == 200, stored.text
        assert editor.post(f"/api/v1/uploads/{upload}/missing", json={"digests": [digest]}).json() == {
            "missing": []
        }
    with gateway.client(tokens["viewer"]) as viewer:
        single = viewer.get(f"/api/v1/chunks/{digest}")
        assert (single.status_code, single.json()["code"]) == (404, "chunk_not_found")
        batch = viewer.post("/api/v1/chunks/read", json={"digests": [digest]})
        assert (batch.status_code, batch.json()["code"]) == (404, "chunk_not_found")
        grant = viewer.post("/api/v1/chunks/grant").json()
    with httpx.Client(base_url=grant["url"], headers={grant["header"]: grant["token"]}) as direct:
        assert direct.get(f"/chunks/{digest}").status_code == 404
        assert direct.post("/chunks/read", json={"digests": [digest]}).status_code == 404

    # Another push commits a manifest naming the chunk: from then on it is served.
    with gateway.client(tokens["editor"]) as editor:
        other = open_upload(gateway, tokens["editor"])
        line = (
            f'{{"chunks":[["{digest}",{len(blob)}]],"digest":"{digest}","mode":420,'
            f'"path":"named.bin","size":{len(blob)}}}\n'
        )
        committed = editor.post(
            f"/api/v1/uploads/{other}/commit", content=line, headers={"Content-Type": "application/x-ndjson"}
        )
        assert committed.status_code == 200, committed.text
    with gateway.client(tokens["viewer"]) as viewer:
        served = viewer.get(f"/api/v1/chunks/{digest}")
        assert served.status_code == 200 and served.content == blob
        batch = viewer.post("/api/v1/chunks/read", json={"digests": [digest]})
        assert batch.status_code == 200 and decode_frames(batch.content) == [(digest, blob)]


def test_a_committed_path_holding_a_lone_surrogate_is_refused(gateway, tokens) -> None:
    upload = open_upload(gateway, tokens["editor"])
    blob = b"surrogate"
    digest = digest_bytes(blob)
    line = (
        f'{{"chunks":[["{digest}",{len(blob)}]],"digest":"{digest}","mode":420,'
        f'"path":"a\\udcffb","size":{len(blob)}}}\n'
    )
    status, problem = send(
        gateway,
        "POST",
        f"/api/v1/uploads/{upload}/commit",
        tokens["editor"],
        line.encode(),
        **{"Content-Type": "application/x-ndjson"},
    )
    assert status == 422, problem


@pytest.mark.parametrize("field", ["metadata", "message", "description", "labels"])
def test_a_lone_surrogate_in_version_text_is_refused(gateway, tokens, dataset, field) -> None:
    with gateway.client(tokens["editor"]) as client:
        digest = (
            client.get(f"/api/v1/artifacts/{dataset}/versions/latest").raise_for_status().json()["digest"]
        )
    value = {"metadata": '{"k": "\\ud800"}', "message": '"\\ud800"', "description": '"\\ud800"'}.get(
        field, '{"k": "\\ud800"}'
    )
    name = dataset if field in ("metadata", "message") else f"{dataset}-new-{field}"
    extra = ', "kind": "dataset"' if name != dataset else ""
    body = f'{{"digest": "{digest}", "{field}": {value}{extra}}}'.encode()
    status, problem = send(
        gateway,
        "POST",
        f"/api/v1/artifacts/{name}/versions",
        tokens["editor"],
        body,
        **{"Content-Type": "application/json"},
    )
    assert status == 422, problem
