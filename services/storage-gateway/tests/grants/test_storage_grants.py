"""Transfer grants at a real storage-gateway process that also requires the internal token.

A grant opens exactly the chunk routes of its scope without the internal token; everything else
still needs the internal token, and a bad grant is refused even next to a good internal token.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kamld_common.grants import GRANT_HEADER, Access, sign_grant
from kamld_common.http import INTERNAL_TOKEN_HEADER
from kamld_content.framing import MEDIA_TYPE, decode_frames, encode_frame
from kamld_content.hashing import digest_bytes
from kamld_storage_gateway.grants import grant_route
from kamld_testing.processes import ServiceProcess, env_prefix, running_service

PREFIX = env_prefix("storage-gateway")
INTERNAL = "internal-" + secrets.token_hex(8)
KEY = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[ServiceProcess]:
    """storage-gateway with an internal token and a transfer key."""
    env = {f"{PREFIX}INTERNAL_TOKEN": INTERNAL, f"{PREFIX}TRANSFER_KEY": KEY}
    with running_service("storage-gateway", home=tmp_path_factory.mktemp("granted"), env=env) as service:
        yield service


@pytest.fixture
def anonymous(guarded) -> Iterator[httpx.Client]:
    with guarded.client(internal=False) as client:
        yield client


@pytest.fixture
def internal(guarded) -> Iterator[httpx.Client]:
    with guarded.client(headers={INTERNAL_TOKEN_HEADER: INTERNAL}) as client:
        yield client


def open_upload(internal: httpx.Client) -> str:
    answer = internal.post("/uploads")
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def write_grant(upload_id: str, **options) -> dict[str, str]:
    return {GRANT_HEADER: sign_grant(KEY, access="write", upload_id=upload_id, ttl_s=300, **options)[0]}


def read_grant(key: str = KEY, **options) -> dict[str, str]:
    return {GRANT_HEADER: sign_grant(key, access="read", ttl_s=300, **options)[0]}


def frames(*blobs: bytes) -> bytes:
    return b"".join(encode_frame(digest_bytes(blob), blob) for blob in blobs)


def send(client: httpx.Client, upload_id: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(
        f"/uploads/{upload_id}/chunks", content=body, headers={"Content-Type": MEDIA_TYPE, **headers}
    )


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


def problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/uploads/u1/chunks", (Access.write, "u1")),
        ("POST", "/uploads/u1/missing", (Access.write, "u1")),
        ("POST", "/chunks/read", (Access.read, None)),
        ("GET", "/chunks/blake3:00", (Access.read, None)),
        ("POST", "/uploads/u1/commit", None),
        ("PUT", "/uploads/u1/files/a.txt", None),
        ("POST", "/uploads", None),
        ("POST", "/uploads//chunks", None),
        ("POST", "/uploads/u1/chunks/", None),
        ("GET", "/uploads/u1/chunks", None),
        ("PUT", "/chunks/blake3:00", None),
        ("GET", "/chunks/", None),
        ("GET", "/chunks/a/b", None),
        ("GET", "/manifests/blake3:00", None),
        ("GET", "/manifests/blake3:00/files/a.txt", None),
        ("POST", "/gc", None),
        ("GET", "/verify", None),
    ],
)
def test_only_the_chunk_routes_take_a_grant(method: str, path: str, expected) -> None:
    assert grant_route(method, path) == expected


def test_a_write_grant_uploads_to_its_session_only(anonymous, internal) -> None:
    mine, theirs = open_upload(internal), open_upload(internal)
    blob = secrets.token_bytes(1000)
    grant = write_grant(mine)
    asked = anonymous.post(f"/uploads/{mine}/missing", json={"digests": [digest_bytes(blob)]}, headers=grant)
    assert asked.status_code == 200 and asked.json()["missing"] == [digest_bytes(blob)]
    stored = send(anonymous, mine, frames(blob), grant)
    assert stored.status_code == 200 and stored.json()["stored"] == 1, stored.text
    problem(send(anonymous, theirs, frames(blob), grant), 403, "grant_forbidden")
    problem(
        anonymous.post(f"/uploads/{theirs}/missing", json={"digests": []}, headers=grant),
        403,
        "grant_forbidden",
    )
    # The rest of the push still goes the internal way, and finds the chunk the grant stored.
    entry = {"path": "a.bin", "size": 1000, "mode": 420, "digest": digest_bytes(blob)}
    entry["chunks"] = [[digest_bytes(blob), 1000]]
    committed = internal.post(
        f"/uploads/{mine}/commit",
        content=json.dumps(entry) + "\n",
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert committed.status_code == 200, committed.text


def test_a_read_grant_reads_chunks_by_digest(anonymous, internal) -> None:
    upload = open_upload(internal)
    blobs = [secrets.token_bytes(500), secrets.token_bytes(700)]
    assert send(internal, upload, frames(*blobs), {}).status_code == 200
    digests = [digest_bytes(blob) for blob in blobs]
    grant = read_grant()
    assert anonymous.post("/chunks/read", json={"digests": digests}, headers=grant).status_code == 404
    commit_blobs(internal, upload, *blobs)
    batch = anonymous.post("/chunks/read", json={"digests": digests}, headers=grant)
    assert batch.status_code == 200, batch.text
    assert decode_frames(batch.content) == list(zip(digests, blobs, strict=True))
    single = anonymous.get(f"/chunks/{digests[0]}", headers=grant)
    assert single.status_code == 200 and single.content == blobs[0]


def test_without_grant_or_internal_token_chunk_routes_are_refused(anonymous, internal) -> None:
    upload = open_upload(internal)
    blob = secrets.token_bytes(100)
    problem(send(anonymous, upload, frames(blob), {}), 401, "internal_token_required")
    problem(
        anonymous.post(f"/uploads/{upload}/missing", json={"digests": []}), 401, "internal_token_required"
    )
    problem(anonymous.post("/chunks/read", json={"digests": []}), 401, "internal_token_required")
    problem(anonymous.get(f"/chunks/{digest_bytes(blob)}"), 401, "internal_token_required")


def test_a_grant_does_not_open_any_other_route(anonymous, internal) -> None:
    upload = open_upload(internal)
    write, read = write_grant(upload), read_grant()
    ndjson = {"Content-Type": "application/x-ndjson"}
    problem(
        anonymous.post(f"/uploads/{upload}/commit", content=b"", headers={**write, **ndjson}),
        401,
        "internal_token_required",
    )
    problem(
        anonymous.put(f"/uploads/{upload}/files/a.txt", content=b"x", headers=write),
        401,
        "internal_token_required",
    )
    problem(anonymous.post("/uploads", headers=write), 401, "internal_token_required")
    problem(
        anonymous.put(f"/chunks/{digest_bytes(b'x')}", content=b"x", headers=write),
        401,
        "internal_token_required",
    )
    problem(anonymous.post("/gc", params={"dry_run": "true"}, headers=read), 401, "internal_token_required")
    problem(anonymous.get(f"/manifests/{digest_bytes(b'x')}", headers=read), 401, "internal_token_required")


def test_a_grant_for_the_wrong_access_is_forbidden(anonymous, internal) -> None:
    upload = open_upload(internal)
    problem(send(anonymous, upload, frames(b"x"), read_grant()), 403, "grant_forbidden")
    problem(
        anonymous.post("/chunks/read", json={"digests": []}, headers=write_grant(upload)),
        403,
        "grant_forbidden",
    )


def test_an_expired_grant_is_refused_as_expired(anonymous, internal) -> None:
    upload = open_upload(internal)
    earlier = datetime.now(UTC) - timedelta(hours=1)
    problem(send(anonymous, upload, frames(b"x"), write_grant(upload, now=earlier)), 401, "grant_expired")
    problem(
        anonymous.get(f"/chunks/{digest_bytes(b'x')}", headers=read_grant(now=earlier)), 401, "grant_expired"
    )


def test_a_bad_grant_is_refused_even_with_the_internal_token(internal) -> None:
    forged = read_grant(key=secrets.token_urlsafe(32))
    problem(internal.post("/chunks/read", json={"digests": []}, headers=forged), 401, "grant_invalid")
    problem(
        internal.post("/chunks/read", json={"digests": []}, headers={GRANT_HEADER: "junk"}),
        401,
        "grant_invalid",
    )


def test_a_gateway_without_transfer_key_refuses_grants(tmp_path) -> None:
    env = {f"{PREFIX}INTERNAL_TOKEN": INTERNAL}
    with running_service("storage-gateway", home=tmp_path / "no-key", env=env) as service:
        with service.client(internal=False) as anonymous:
            body = problem(
                anonymous.post("/chunks/read", json={"digests": []}, headers=read_grant()),
                401,
                "grant_invalid",
            )
        with service.client(headers={INTERNAL_TOKEN_HEADER: INTERNAL}) as internal:
            assert internal.post("/chunks/read", json={"digests": []}).status_code == 200
    assert "not configured" in body["detail"]
