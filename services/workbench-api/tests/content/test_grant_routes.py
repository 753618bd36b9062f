"""Transfer grants from the real gateway, used at the real storage-gateway behind it.

Roles decide who gets which grant; the grant then moves chunk bytes without the gateway; a gateway
without a public storage URL or a transfer key answers 404 ``direct_transfer_unavailable``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from kamld_content.framing import MEDIA_TYPE, decode_frames, encode_frame
from kamld_content.hashing import digest_bytes
from kamld_testing.processes import env_prefix, launch_service

PREFIX = env_prefix("workbench-api")
TTL = timedelta(seconds=600)


def claims(gateway, token: str) -> dict:
    return jwt.decode(token, gateway.transfer_key, algorithms=["HS256"], audience="kamld-storage")


def open_upload(client: httpx.Client) -> str:
    answer = client.post("/api/v1/uploads")
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_an_editor_gets_a_write_grant_for_an_upload(gateway, tokens) -> None:
    with gateway.client(tokens["editor"]) as editor:
        upload = open_upload(editor)
        answer = editor.post(f"/api/v1/uploads/{upload}/grant")
    assert answer.status_code == 200, answer.text
    grant = answer.json()
    assert set(grant) == {"url", "header", "token", "expires_at"}
    assert grant["url"] == gateway.services["storage-gateway"].url  # no trailing slash
    assert grant["header"] == "X-Kamld-Grant"
    assert claims(gateway, grant["token"]) | {"iat": 0, "exp": 0} == {
        "access": "write",
        "upload": upload,
        "aud": "kamld-storage",
        "iat": 0,
        "exp": 0,
    }
    expires_at = datetime.fromisoformat(grant["expires_at"])
    assert expires_at.timestamp() == claims(gateway, grant["token"])["exp"]
    assert TTL - timedelta(minutes=1) < expires_at - datetime.now(UTC) <= TTL


def test_a_viewer_gets_a_read_grant_but_no_write_grant(gateway, tokens) -> None:
    with gateway.client(tokens["editor"]) as editor:
        upload = open_upload(editor)
    with gateway.client(tokens["viewer"]) as viewer:
        read = viewer.post("/api/v1/chunks/grant")
        write = viewer.post(f"/api/v1/uploads/{upload}/grant")
    assert read.status_code == 200, read.text
    assert set(read.json()) == {"url", "header", "token", "expires_at"}
    granted = claims(gateway, read.json()["token"])
    assert granted["access"] == "read" and "upload" not in granted
    assert write.status_code == 403 and write.json()["code"] == "role_required"


def test_grants_need_a_token(gateway) -> None:
    with gateway.client() as anonymous:
        for path in ("/api/v1/chunks/grant", "/api/v1/uploads/some-upload/grant"):
            answer = anonymous.post(path)
            assert answer.status_code == 401 and answer.json()["code"] == "token_required"


def test_chunks_move_straight_to_storage_gateway_on_the_grants(gateway, tokens) -> None:
    blob = secrets.token_bytes(4096)
    digest = digest_bytes(blob)
    with gateway.client(tokens["editor"]) as editor:
        upload = open_upload(editor)
        grant = editor.post(f"/api/v1/uploads/{upload}/grant").json()
        with httpx.Client(base_url=grant["url"], headers={grant["header"]: grant["token"]}) as direct:
            stored = direct.post(
                f"/uploads/{upload}/chunks",
                content=encode_frame(digest, blob),
                headers={"Content-Type": MEDIA_TYPE},
            )
            assert stored.status_code == 200, stored.text
            other = open_upload(editor)
            elsewhere = direct.post(f"/uploads/{other}/missing", json={"digests": [digest]})
            assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "grant_forbidden"
        line = (
            f'{{"chunks":[["{digest}",{len(blob)}]],"digest":"{digest}","mode":420,'
            f'"path":"direct.bin","size":{len(blob)}}}\n'
        )
        committed = editor.post(
            f"/api/v1/uploads/{upload}/commit",
            content=line,
            headers={"Content-Type": "application/x-ndjson"},
        )
        assert committed.status_code == 200, committed.text
    with gateway.client(tokens["viewer"]) as viewer:
        grant = viewer.post("/api/v1/chunks/grant").json()
    with httpx.Client(base_url=grant["url"], headers={grant["header"]: grant["token"]}) as direct:
        batch = direct.post("/chunks/read", json={"digests": [digest]})
        single = direct.get(f"/chunks/{digest}")
        forged = direct.get(f"/chunks/{digest}", headers={grant["header"]: grant["token"][:-4] + "AAAA"})
    assert batch.status_code == 200 and decode_frames(batch.content) == [(digest, blob)]
    assert single.status_code == 200 and single.content == blob
    assert forged.status_code == 401 and forged.json()["code"] == "grant_invalid"


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"TRANSFER_KEY": secrets.token_urlsafe(32)}, id="no-public-url"),
        pytest.param({"STORAGE_PUBLIC_URL": "http://127.0.0.1:9"}, id="no-key"),
    ],
)
def test_without_direct_transfers_configured_grants_are_404(tmp_path, settings: dict[str, str]) -> None:
    admin = "kamld_" + secrets.token_urlsafe(32)
    env = {PREFIX + "BOOTSTRAP_ADMIN_TOKEN": admin, PREFIX + "WORKERS": "1"}
    env |= {PREFIX + name: value for name, value in settings.items()}
    for name in ("TRANSFER_KEY", "STORAGE_PUBLIC_URL"):
        env.setdefault(PREFIX + name, "")
    service = launch_service("workbench-api", home=tmp_path, env=env)
    try:
        service.wait_ready(probe="/healthz")  # its backends are not running: only the gateway is asked
        with service.client(headers={"Authorization": f"Bearer {admin}"}) as client:
            answers = [client.post("/api/v1/chunks/grant"), client.post(f"/api/v1/uploads/{'ab' * 16}/grant")]
    finally:
        service.stop()
    for answer in answers:
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "direct_transfer_unavailable"
