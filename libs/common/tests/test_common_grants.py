"""Transfer grants: what a signed grant allows, and every way a grant is refused.

The middleware half runs an app over real HTTP: ``admit`` lets a request in without the internal
token, and its refusals are problem documents.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from starlette.datastructures import Headers

from kamld_common.app import create_service_app
from kamld_common.errors import Forbidden, KamldError, Unauthorized
from kamld_common.grants import (
    AUDIENCE,
    GRANT_HEADER,
    Access,
    check_transfer_key,
    sign_grant,
    verify_grant,
)
from kamld_common.http import CALLER_HEADER, INTERNAL_TOKEN_HEADER, current_caller
from kamld_common.settings import ServiceSettings

KEY = "k" * 32
OTHER_KEY = "o" * 32
HOUR = 3600


def refusal(error: pytest.ExceptionInfo[KamldError]) -> tuple[int, str]:
    return error.value.status, error.value.code


def test_a_write_grant_allows_writing_its_upload() -> None:
    token, expires_at = sign_grant(KEY, access="write", upload_id="u1", ttl_s=HOUR)
    grant = verify_grant(KEY, token, access="write", upload_id="u1")
    assert (grant.access, grant.upload_id, grant.expires_at) == (Access.write, "u1", expires_at)
    assert timedelta(seconds=HOUR - 5) < expires_at - datetime.now(UTC) <= timedelta(seconds=HOUR)


def test_a_read_grant_allows_reading() -> None:
    token, _ = sign_grant(SecretStr(KEY), access=Access.read, ttl_s=60)
    grant = verify_grant(KEY.encode(), token, access="read")
    assert (grant.access, grant.upload_id) == (Access.read, None)


def test_claims_are_the_documented_ones() -> None:
    token, expires_at = sign_grant(KEY, access="write", upload_id="u1", ttl_s=60)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["access"] == "write" and claims["upload"] == "u1" and claims["aud"] == AUDIENCE
    assert claims["exp"] == int(expires_at.timestamp()) and claims["exp"] - claims["iat"] == 60
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_an_expired_grant_is_refused_as_expired() -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    token, _ = sign_grant(KEY, access="read", ttl_s=HOUR, now=past)
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, token, access="read")
    assert refusal(refused) == (401, "grant_expired")


def test_a_grant_signed_with_another_key_is_invalid() -> None:
    token, _ = sign_grant(OTHER_KEY, access="read", ttl_s=60)
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, token, access="read")
    assert refusal(refused) == (401, "grant_invalid")


def test_a_token_for_another_audience_is_invalid() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"access": "read", "aud": "someone-else", "iat": now, "exp": now + 60}
    token = jwt.encode(claims, KEY, algorithm="HS256")
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, token, access="read")
    assert refusal(refused) == (401, "grant_invalid")


@pytest.mark.parametrize("dropped", ["aud", "exp", "access"])
def test_a_token_missing_a_claim_is_invalid(dropped: str) -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"access": "read", "aud": AUDIENCE, "iat": now, "exp": now + 60}
    del claims[dropped]
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, jwt.encode(claims, KEY, algorithm="HS256"), access="read")
    assert refusal(refused) == (401, "grant_invalid")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_tampered_token_is_invalid() -> None:
    token, _ = sign_grant(KEY, access="write", upload_id="mine", ttl_s=60)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = ".".join([header, _b64({**claims, "upload": "theirs"}), signature])
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, forged, access="write", upload_id="theirs")
    assert refusal(refused) == (401, "grant_invalid")


def test_an_unsigned_token_is_invalid() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"access": "read", "aud": AUDIENCE, "iat": now, "exp": now + 60}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, unsigned, access="read")
    assert refusal(refused) == (401, "grant_invalid")


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c"])
def test_garbage_is_invalid(garbage: str) -> None:
    with pytest.raises(Unauthorized) as refused:
        verify_grant(KEY, garbage, access="read")
    assert refusal(refused) == (401, "grant_invalid")


def test_a_read_grant_does_not_allow_writing_and_a_write_grant_not_reading() -> None:
    read, _ = sign_grant(KEY, access="read", ttl_s=60)
    write, _ = sign_grant(KEY, access="write", upload_id="u1", ttl_s=60)
    with pytest.raises(Forbidden) as read_as_write:
        verify_grant(KEY, read, access="write", upload_id="u1")
    with pytest.raises(Forbidden) as write_as_read:
        verify_grant(KEY, write, access="read")
    assert refusal(read_as_write) == refusal(write_as_read) == (403, "grant_forbidden")


def test_a_write_grant_does_not_allow_another_upload() -> None:
    token, _ = sign_grant(KEY, access="write", upload_id="u1", ttl_s=60)
    with pytest.raises(Forbidden) as refused:
        verify_grant(KEY, token, access="write", upload_id="u2")
    assert refusal(refused) == (403, "grant_forbidden")


@pytest.mark.parametrize(
    "arguments",
    [
        {"access": "write", "ttl_s": 60},
        {"access": "read", "upload_id": "u1", "ttl_s": 60},
        {"access": "read", "ttl_s": 0},
        {"access": "admin", "ttl_s": 60},
    ],
)
def test_sign_refuses_a_grant_that_makes_no_sense(arguments: dict) -> None:
    with pytest.raises(ValueError):
        sign_grant(KEY, **arguments)


def test_a_short_key_is_refused_and_an_empty_one_means_unset() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        check_transfer_key(SecretStr("k" * 31))
    assert check_transfer_key(SecretStr("")) is None
    assert check_transfer_key(None) is None
    assert check_transfer_key(SecretStr(KEY)).get_secret_value() == KEY


# -- the identity middleware's ``admit`` --------------------------------------------------------


def admit_on_grant(method: str, path: str, headers: Headers) -> bool:
    """A toy gate: ``/open`` takes a read grant."""
    token = headers.get(GRANT_HEADER)
    if token is None or path != "/open":
        return False
    verify_grant(KEY, token, access="read")
    return True


def build_app() -> FastAPI:
    app = create_service_app(
        settings=ServiceSettings(service_name="grant-demo", internal_token="s3cret"),
        version="1.0.0",
        title="demo",
        description="demo",
        admit=admit_on_grant,
    )

    @app.get("/open")
    async def opened() -> dict[str, str | None]:
        return {"caller": current_caller.get()}

    @app.get("/closed")
    async def closed() -> dict[str, str | None]:
        return {"caller": current_caller.get()}

    return app


def test_admitted_requests_skip_the_internal_token_and_refusals_are_problems(serve) -> None:
    url = serve(build_app())
    read, _ = sign_grant(KEY, access="read", ttl_s=60)
    write, _ = sign_grant(KEY, access="write", upload_id="u", ttl_s=60)
    with httpx.Client(base_url=url) as client:
        assert client.get("/open").status_code == 401
        admitted = client.get("/open", headers={GRANT_HEADER: read, CALLER_HEADER: "mallory"})
        assert admitted.status_code == 200 and admitted.json() == {"caller": None}
        closed = client.get("/closed", headers={GRANT_HEADER: read})
        assert (closed.status_code, closed.json()["code"]) == (401, "internal_token_required")
        forbidden = client.get("/open", headers={GRANT_HEADER: write, INTERNAL_TOKEN_HEADER: "s3cret"})
        assert forbidden.status_code == 403
        assert forbidden.headers["content-type"] == "application/problem+json"
        assert forbidden.json()["code"] == "grant_forbidden"
        trusted = client.get("/closed", headers={INTERNAL_TOKEN_HEADER: "s3cret", CALLER_HEADER: "alice"})
        assert trusted.json() == {"caller": "alice"}
