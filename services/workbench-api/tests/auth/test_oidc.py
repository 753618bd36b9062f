"""Bearer JWTs from an OpenID Connect issuer, verified against a real issuer served over HTTP:
signatures, claims, clock skew, key rotation, an issuer that is down, and groups mapped to roles."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest

from kamld_common.errors import Forbidden, Unauthorized, Unavailable
from kamld_testing.oidc import OidcIssuer, SigningKey
from kamld_workbench_api.auth.oidc import OidcConfig, OidcVerifier, looks_like_jwt
from kamld_workbench_api.auth.schemas import Role

ROLES = {"ml": Role.editor, "ml-admins": Role.admin, "readers": Role.viewer}


@pytest.fixture
def issuer() -> Iterator[OidcIssuer]:
    served = OidcIssuer()
    yield served
    served.stop()


def verifier(issuer: OidcIssuer, **overrides: object) -> OidcVerifier:
    settings: dict = {"issuer": issuer.url, "audience": "kamld", "role_map": ROLES, "jwks_min_refresh_s": 0.0}
    settings.update(overrides)
    return OidcVerifier(OidcConfig(**settings))


async def test_a_signed_token_stands_for_its_user_with_the_highest_mapped_role(issuer: OidcIssuer) -> None:
    check = verifier(issuer)
    caller = await check.caller(issuer.token("alice", ["readers", "ml", "unmapped"]))
    assert (caller.name, caller.role) == ("alice", Role.editor)
    admin = await check.caller(issuer.token("root", "ml-admins readers"))  # type: ignore[arg-type]
    assert admin.role is Role.admin
    await check.aclose()


async def test_the_user_falls_back_to_sub_and_must_be_printable(issuer: OidcIssuer) -> None:
    check = verifier(issuer)
    assert (await check.caller(issuer.token("u-123", ["ml"], preferred_username=None))).name == "u-123"
    with pytest.raises(Unauthorized, match="usable user"):
        await check.caller(issuer.token("bob", ["ml"], preferred_username="bob smith", sub="b b"))
    await check.aclose()


async def test_groups_that_map_to_no_role_are_refused_unless_a_default_is_set(issuer: OidcIssuer) -> None:
    with pytest.raises(Forbidden) as refused:
        await verifier(issuer).caller(issuer.token("eve", ["strangers"]))
    assert refused.value.code == "no_role"
    caller = await verifier(issuer, default_role=Role.viewer).caller(issuer.token("eve", ["strangers"]))
    assert caller.role is Role.viewer


async def test_expiry_is_checked_with_the_configured_clock_skew(issuer: OidcIssuer) -> None:
    late = issuer.token("alice", ["ml"], expires_in=-30)
    assert (await verifier(issuer, leeway_s=60).caller(late)).name == "alice"
    with pytest.raises(Unauthorized) as refused:
        await verifier(issuer, leeway_s=5).caller(late)
    assert refused.value.code == "token_expired"
    future = issuer.token("alice", ["ml"], nbf=int(time.time()) + 600)
    with pytest.raises(Unauthorized, match="not valid"):
        await verifier(issuer).caller(future)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "another-app"}, "not meant for this platform"),
        ({"iss": "https://evil.example.com"}, "not issued by"),
        ({"exp": None}, "not valid"),
    ],
)
async def test_a_wrong_audience_or_issuer_or_a_missing_claim_is_refused(
    issuer: OidcIssuer, claims: dict, reason: str
) -> None:
    with pytest.raises(Unauthorized, match=reason):
        await verifier(issuer).caller(issuer.token("alice", ["ml"], **claims))


async def test_tampered_unsigned_and_foreign_tokens_are_refused(issuer: OidcIssuer) -> None:
    check = verifier(issuer)
    header, payload, signature = issuer.token("alice", ["readers"]).split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"readers"', b'"ml-admins"')
    ).decode()
    with pytest.raises(Unauthorized, match="not valid"):
        await check.caller(f"{header}.{forged_payload}.{signature}")
    unsigned = jwt.encode(
        {"iss": issuer.url, "aud": "kamld", "sub": "x", "exp": 2**40}, None, algorithm="none"
    )
    with pytest.raises(Unauthorized, match="'none'"):
        await check.caller(unsigned)
    shared_secret = jwt.encode(
        {"iss": issuer.url, "aud": "kamld", "sub": "x", "exp": 2**40}, "k" * 32, algorithm="HS256"
    )
    with pytest.raises(Unauthorized, match="'HS256'"):
        await check.caller(shared_secret)
    stranger = SigningKey.new()
    with pytest.raises(Unauthorized, match="does not publish"):
        await check.caller(issuer.token("alice", ["ml"], key=stranger))
    with pytest.raises(Unauthorized, match="malformed"):
        await check.caller("a.b.c")
    await check.aclose()


async def test_a_key_rotation_is_followed_and_retired_keys_stop_working(issuer: OidcIssuer) -> None:
    check = verifier(issuer)
    old_token = issuer.token("alice", ["ml"])
    assert (await check.caller(old_token)).name == "alice"
    issuer.rotate(keep_old=False)
    new_token = issuer.token("alice", ["ml"])
    assert (await check.caller(new_token)).name == "alice"
    with pytest.raises(Unauthorized, match="does not publish"):
        await check.caller(old_token)
    await check.aclose()


async def test_unknown_key_ids_refetch_the_keys_at_most_once_per_interval(issuer: OidcIssuer) -> None:
    check = verifier(issuer, jwks_min_refresh_s=3600)
    await check.caller(issuer.token("alice", ["ml"]))
    reads = issuer.jwks_reads
    stranger = SigningKey.new()
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await check.caller(issuer.token("alice", ["ml"], key=stranger))
    assert issuer.jwks_reads == reads
    await check.aclose()


async def test_an_issuer_that_is_down_is_a_503_and_its_return_is_seen(issuer: OidcIssuer) -> None:
    check = verifier(issuer, jwks_cache_s=0)
    token = issuer.token("alice", ["ml"])
    issuer.stop()
    with pytest.raises(Unavailable) as down:
        await check.caller(token)
    assert down.value.code == "identity_provider_unavailable"
    assert "API tokens keep working" in down.value.detail
    issuer.start()
    assert (await check.caller(token)).name == "alice"
    await check.aclose()


def test_only_compact_jws_shapes_are_taken_for_jwts() -> None:
    assert looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert not looks_like_jwt("kamld_" + "A" * 43)
    assert not looks_like_jwt("a.b")
