"""The upload and download routes over real HTTP: happy paths, and bad input answered as problem+json."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from kamld_content.framing import MEDIA_TYPE, decode_frames, encode_frame
from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.downloads.schemas import FileList, FileOut

ZERO = "blake3:" + "0" * 64


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def locations(body: dict) -> list[list]:
    return [error["loc"] for error in body.get("errors", [])]


def line(path: str, data: bytes, mode: int = 420) -> str:
    digest = digest_bytes(data)
    chunks = [[digest, len(data)]] if data else []
    return json.dumps({"path": path, "size": len(data), "mode": mode, "digest": digest, "chunks": chunks})


@pytest.fixture
def client(any_gateway):
    with any_gateway.client() as http:
        yield http


@pytest.fixture
def upload_id(client) -> str:
    response = client.post("/uploads")
    assert response.status_code == 201
    assert "expires_at" in response.json()
    return response.json()["id"]


def send(client, upload_id: str, *blobs: bytes):
    body = b"".join(encode_frame(digest_bytes(blob), blob) for blob in blobs)
    return client.post(f"/uploads/{upload_id}/chunks", content=body, headers={"Content-Type": MEDIA_TYPE})


def commit_blobs(client: httpx.Client, upload_id: str, *blobs: bytes) -> None:
    """Commit a manifest of one file per blob (its one chunk): only committed chunks are served."""
    lines = []
    for index, blob in enumerate(blobs):
        digest = digest_bytes(blob)
        entry = {"path": f"blob{index}.bin", "size": len(blob), "mode": 420, "digest": digest}
        lines.append(json.dumps({**entry, "chunks": [[digest, len(blob)]]}) + "\n")
    answer = client.post(
        f"/uploads/{upload_id}/commit",
        content="".join(lines),
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert answer.status_code == 200, answer.text


def test_missing_batch_upload_commit_and_download(client, upload_id):
    a, b = b"alpha" * 100, b"beta" * 50
    asked = client.post(f"/uploads/{upload_id}/missing", json={"digests": [digest_bytes(a), digest_bytes(b)]})
    assert (
        set(asked.json()["missing"]) >= set()
    )  # chunks may exist from other tests; what is asked is answered
    stored = send(client, upload_id, a, b)
    assert stored.status_code == 200 and stored.json()["received"] == 2
    assert send(client, upload_id, a).json()["stored"] == 0  # idempotent
    again = client.post(f"/uploads/{upload_id}/missing", json={"digests": [digest_bytes(a), digest_bytes(b)]})
    assert again.json()["missing"] == []
    body = "\n".join([line("data/a.txt", a), line("data/b.txt", b)]) + "\n"
    committed = client.post(f"/uploads/{upload_id}/commit", content=body)
    assert committed.status_code == 200, committed.text
    digest = committed.json()["digest"]
    assert committed.json()["file_count"] == 2
    summary = client.get(f"/manifests/{digest}").json()
    assert summary["total_bytes"] == len(a) + len(b) and summary["page_count"] == 1
    listed = client.get(f"/manifests/{digest}/files", params={"prefix": "data/", "limit": 1}).json()
    assert [item["path"] for item in listed["items"]] == ["data/a.txt"]
    # The listing is written from the stored lines: it must still be the documented FileList.
    expected = FileOut.model_validate(json.loads(line("data/a.txt", a)))
    assert FileList.model_validate(listed).items == [expected]
    rest = client.get(f"/manifests/{digest}/files", params={"after": listed["next"]}).json()
    assert [item["path"] for item in rest["items"]] == ["data/b.txt"] and rest["next"] is None

    whole = client.get(f"/manifests/{digest}/files/data/a.txt")
    assert whole.content == a and whole.headers["etag"] == f'"{digest_bytes(a)}"'
    part = client.get(f"/manifests/{digest}/files/data/a.txt", headers={"Range": "bytes=5-9"})
    assert part.status_code == 206 and part.content == a[5:10]
    assert part.headers["content-range"] == f"bytes 5-9/{len(a)}"
    assert (
        client.get(f"/manifests/{digest}/files/data/a.txt", headers={"Range": "bytes=-3"}).content == a[-3:]
    )
    beyond = client.get(f"/manifests/{digest}/files/data/a.txt", headers={"Range": f"bytes={len(a)}-"})
    problem(beyond, 416)
    assert beyond.headers["content-range"] == f"bytes */{len(a)}"

    head = client.head(f"/manifests/{digest}/files/data/a.txt")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(a)) and head.headers["etag"] == whole.headers["etag"]
    head_part = client.head(f"/manifests/{digest}/files/data/a.txt", headers={"Range": "bytes=5-9"})
    assert head_part.status_code == 206 and head_part.headers["content-range"] == f"bytes 5-9/{len(a)}"
    assert client.head(f"/manifests/{digest}/files/data/none.txt").status_code == 404

    read = client.post("/chunks/read", json={"digests": [digest_bytes(b), digest_bytes(a)]})
    assert decode_frames(read.content) == [(digest_bytes(b), b), (digest_bytes(a), a)]
    assert client.get(f"/chunks/{digest_bytes(a)}").content == a
    problem(client.post(f"/uploads/{upload_id}/commit", content=body), 409)


def test_a_chunk_batch_announces_its_length_and_ends_short_at_a_corrupt_chunk(gateway):
    """The answer has a Content-Length (no chunked encoding); a chunk that fails verification is
    never sent: the answer stops before it, so the reader sees a short body, not the bad bytes."""
    good, bad = os.urandom(300 << 10), os.urandom(300 << 10)  # loose files, not packed
    wanted = {"digests": [digest_bytes(good), digest_bytes(bad)]}
    with gateway.client() as client:
        upload_id = client.post("/uploads").json()["id"]
        assert send(client, upload_id, good, bad).status_code == 200
        commit_blobs(client, upload_id, good, bad)
        stored = next(gateway.home.rglob(object_key(digest_bytes(bad)).rsplit("/", 1)[1]))
        stored.chmod(0o644)
        stored.write_bytes(bad[:-1] + bytes([bad[-1] ^ 1]))
        with client.stream("POST", "/chunks/read", json=wanted) as answer:
            assert answer.status_code == 200
            assert "transfer-encoding" not in answer.headers
            announced = int(answer.headers["content-length"])
            received = b""
            with pytest.raises(httpx.RemoteProtocolError):
                for piece in answer.iter_raw():
                    received += piece
        assert len(received) < announced
        assert bad[-1000:] not in received

        read = client.post("/chunks/read", json={"digests": [digest_bytes(good)]})
        assert "transfer-encoding" not in read.headers
        assert int(read.headers["content-length"]) == len(read.content)
        assert decode_frames(read.content) == [(digest_bytes(good), good)]


def test_whole_file_upload_is_merged_at_commit(client, upload_id):
    content = bytes(range(256)) * 4000  # > 1 MiB: several chunks chosen by the server
    put = client.put(f"/uploads/{upload_id}/files/raw/blob.bin", content=content)
    assert put.status_code == 200, put.text
    assert put.json()["digest"] == digest_bytes(content)
    small = b"from the list"
    assert send(client, upload_id, small).status_code == 200
    committed = client.post(f"/uploads/{upload_id}/commit", content=line("a.txt", small) + "\n")
    assert committed.status_code == 200, committed.text
    digest = committed.json()["digest"]
    assert committed.json()["file_count"] == 2
    assert client.get(f"/manifests/{digest}/files/raw/blob.bin").content == content
    problem(client.put(f"/uploads/{upload_id}/files/x.bin", content=b"late"), 409)


def test_uncommitted_content_is_not_visible(client, upload_id):
    put = client.put(f"/uploads/{upload_id}/files/secret.txt", content=b"not yet")
    assert put.status_code == 200
    body = problem(client.get(f"/manifests/{digest_bytes(b'not yet')}"), 404)
    assert body["code"] == "manifest_not_found"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("../escape.txt", ".."), ("/etc/passwd", "absolute"), ("a/./b", "normal form"), ("a\\b", "backslash")],
)
def test_commit_refuses_bad_paths_naming_them(client, upload_id, path, reason):
    body = problem(client.post(f"/uploads/{upload_id}/commit", content=line(path, b"") + "\n"), 422)
    assert ["files", 1, "path"] in locations(body)
    assert reason in body["detail"]


@pytest.mark.parametrize(
    ("body", "code", "location"),
    [
        (b"{not json\n", "invalid_json", ["files", 1]),
        (b'{"path": "a.txt", "size": NaN}\n', "invalid_json", ["files", 1]),
        (b'{"path": "\xff.txt", "size": 0}\n', "invalid_json", ["files", 1]),
        (b'["a.txt", 0]\n', "invalid", ["files", 1]),
        (b'{"path": 7, "size": 0}\n', "invalid_path", ["files", 1, "path"]),
    ],
)
def test_commit_refuses_malformed_lines_naming_them(client, upload_id, body, code, location):
    answer = problem(client.post(f"/uploads/{upload_id}/commit", content=body), 422)
    assert answer["code"] == code
    assert location in locations(answer)


def test_commit_refuses_unsorted_duplicate_and_missing(client, upload_id):
    unsorted = line("b.txt", b"") + "\n" + line("a.txt", b"") + "\n"
    assert (
        problem(client.post(f"/uploads/{upload_id}/commit", content=unsorted), 422)["code"]
        == "unsorted_paths"
    )
    twice = line("a.txt", b"") + "\n" + line("a.txt", b"") + "\n"
    assert (
        problem(client.post(f"/uploads/{upload_id}/commit", content=twice), 422)["code"] == "duplicate_path"
    )
    clash = line("a", b"") + "\n" + line("a/b", b"") + "\n"
    assert (
        problem(client.post(f"/uploads/{upload_id}/commit", content=clash), 422)["code"]
        == "file_directory_clash"
    )
    absent = b"never uploaded " + upload_id.encode()
    body = problem(client.post(f"/uploads/{upload_id}/commit", content=line("x.bin", absent) + "\n"), 422)
    assert body["code"] == "missing_chunks" and body["missing"] == [digest_bytes(absent)]
    bad_json = problem(client.post(f"/uploads/{upload_id}/commit", content=b"{not json\n"), 422)
    assert ["files", 1] in locations(bad_json)
    # none of the failed commits made a version or closed the session
    assert client.post(f"/uploads/{upload_id}/missing", json={"digests": []}).status_code == 200


def test_batch_with_a_wrong_digest_stores_nothing(client, upload_id):
    good, bad = b"good chunk " + upload_id.encode(), b"bad chunk " + upload_id.encode()
    body = encode_frame(digest_bytes(good), good) + encode_frame(digest_bytes(b"other"), bad)
    response = client.post(f"/uploads/{upload_id}/chunks", content=body, headers={"Content-Type": MEDIA_TYPE})
    assert ["chunks", 1] in locations(problem(response, 422))
    missing = client.post(f"/uploads/{upload_id}/missing", json={"digests": [digest_bytes(good)]}).json()
    assert missing["missing"] == [digest_bytes(good)]
    truncated = encode_frame(digest_bytes(good), good)[:-3]
    response = client.post(
        f"/uploads/{upload_id}/chunks", content=truncated, headers={"Content-Type": MEDIA_TYPE}
    )
    assert problem(response, 422)["code"] == "invalid_framing"


def test_limits_and_malformed_input(client, upload_id, any_gateway):
    too_many = {"digests": [ZERO] * 10_001}
    assert ["body", "digests"] in locations(
        problem(client.post(f"/uploads/{upload_id}/missing", json=too_many), 422)
    )
    malformed = problem(client.post(f"/uploads/{upload_id}/missing", json={"digests": ["md5:abc"]}), 422)
    assert ["digests", 0] in locations(malformed)
    assert ["path", "digest"] in locations(problem(client.get("/manifests/blake3:xyz"), 422))
    assert ["path", "digest"] in locations(problem(client.get("/chunks/nonsense"), 422))
    assert problem(client.get(f"/manifests/{ZERO}"), 404)["code"] == "manifest_not_found"
    assert problem(client.get(f"/chunks/{ZERO}"), 404)["code"] == "chunk_not_found"
    assert (
        problem(client.post("/uploads/nope/missing", json={"digests": []}), 404)["code"] == "upload_not_found"
    )
    oversized = b"\0" * ((64 << 20) + 1) if "pg" in str(any_gateway.home) else b"\0" * ((12 << 20) + 1)
    response = client.post(
        f"/uploads/{upload_id}/chunks", content=oversized, headers={"Content-Type": MEDIA_TYPE}
    )
    assert problem(response, 413)["code"] == "body_too_large"
    wrong = client.put(f"/chunks/{digest_bytes(b'x')}", content=b"y")
    assert problem(wrong, 422)["code"] == "digest_mismatch"
    traversal = client.put(f"/uploads/{upload_id}/files/a/%2e%2e/%2e%2e/etc", content=b"x")
    assert problem(traversal, 422)["code"] == "invalid_path"


def test_diff_reports_added_removed_modified_and_renamed(client):
    def commit(files: dict[str, bytes]) -> str:
        upload = client.post("/uploads").json()["id"]
        send(client, upload, *[data for data in files.values() if data])
        body = "".join(line(path, data) + "\n" for path, data in sorted(files.items()))
        response = client.post(f"/uploads/{upload}/commit", content=body)
        assert response.status_code == 200, response.text
        return response.json()["digest"]

    old = commit(
        {"keep.txt": b"same", "edit.txt": b"v1", "gone.txt": b"bye", "old/name.bin": b"moved content"}
    )
    new = commit({"keep.txt": b"same", "edit.txt": b"v2", "new.txt": b"hi", "new/name.bin": b"moved content"})
    diff = client.get(f"/manifests/{old}/diff/{new}").json()
    changes = {(item["change"], item["path"], item.get("old_path")) for item in diff["items"]}
    assert changes == {
        ("modified", "edit.txt", None),
        ("removed", "gone.txt", None),
        ("added", "new.txt", None),
        ("renamed", "new/name.bin", "old/name.bin"),
    }
    assert diff["renames_detected"] is True
    first = client.get(f"/manifests/{old}/diff/{new}", params={"limit": 2}).json()
    second = client.get(f"/manifests/{old}/diff/{new}", params={"after": first["next"], "limit": 2}).json()
    assert [i["path"] for i in first["items"] + second["items"]] == [i["path"] for i in diff["items"]]
    assert second["next"] is None


def test_listing_returns_paths_that_need_escaping_as_they_were_committed(client, upload_id):
    data = b"escaped path" * 10
    paths = ['data/naïve "quoted" file.txt', "data/日本/ü.csv"]
    assert send(client, upload_id, data).status_code == 200
    body = "\n".join(line(path, data) for path in sorted(paths)) + "\n"
    committed = client.post(f"/uploads/{upload_id}/commit", content=body.encode())
    assert committed.status_code == 200, committed.text
    listed = client.get(f"/manifests/{committed.json()['digest']}/files").json()
    assert [item["path"] for item in listed["items"]] == sorted(paths)
    assert all(item["digest"] == digest_bytes(data) for item in listed["items"])
