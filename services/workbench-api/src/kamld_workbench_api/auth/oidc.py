"""Bearer JWTs from an OpenID Connect issuer: people sign in once with the team's identity
provider and call the API with its access or ID token instead of an API token.

The issuer's keys come from its discovery document (``/.well-known/openid-configuration``,
``jwks_uri``) and are kept for ``jwks_cache_s``. A token signed with a key the cache does not
know makes one early refetch (the issuer rotated its keys), at most once per
``jwks_min_refresh_s`` so that forged key ids cannot make the gateway hammer the issuer.
Signature, ``iss``, ``aud``, ``exp`` and ``nbf`` are checked with ``leeway_s`` of clock skew; the
role comes from a claim (``groups`` by default) through a mapping, the highest mapped role wins.
An issuer that cannot be reached is a 503 for JWT callers only: API tokens keep working.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from kamld_common.errors import Forbidden, Unauthorized, Unavailable
from kamld_workbench_api.auth.schemas import Caller, Role

ASYMMETRIC_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
USER_NAME = re.compile(r"^[\x21-\x7e]{1,128}$")


def looks_like_jwt(secret: str) -> bool:
    """A compact JWS (``header.payload.signature``); API tokens never contain a dot."""
    return JWT_SHAPE.match(secret) is not None


@dataclass(frozen=True)
class OidcConfig:
    """Everything the verifier needs; made from the gateway's ``oidc_*`` settings."""

    issuer: str
    audience: str
    user_claim: str = "preferred_username"
    roles_claim: str = "groups"
    role_map: Mapping[str, Role] = field(default_factory=dict)
    default_role: Role | None = None
    leeway_s: float = 60.0
    jwks_cache_s: float = 300.0
    jwks_min_refresh_s: float = 30.0
    algorithms: tuple[str, ...] = ASYMMETRIC_ALGORITHMS


class OidcVerifier:
    """Turns a bearer JWT into a :class:`Caller`, or refuses it with the reason."""

    def __init__(self, config: OidcConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = float("-inf")
        self._jwks_uri: str | None = None
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def caller(self, token: str) -> Caller:
        claims = await self.claims(token)
        return Caller(name=self._user(claims), role=self._role(claims))

    async def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once its signature, issuer, audience and times are checked."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"the bearer JWT is malformed: {exc}", code="token_invalid") from exc
        algorithm = header.get("alg")
        if algorithm not in self.config.algorithms:
            raise Unauthorized(
                f"the bearer JWT is signed with {algorithm!r}; accepted: {', '.join(self.config.algorithms)}",
                code="token_invalid",
            )
        key = await self._key(header.get("kid"))
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=self.config.leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the bearer JWT has expired: sign in again", code="token_expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized(
                f"the bearer JWT is not meant for this platform (audience {self.config.audience!r} expected)",
                code="token_invalid",
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized(
                f"the bearer JWT was not issued by {self.config.issuer}", code="token_invalid"
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"the bearer JWT is not valid: {exc}", code="token_invalid") from exc

    def _user(self, claims: Mapping[str, Any]) -> str:
        name = claims.get(self.config.user_claim) or claims.get("sub")
        if not isinstance(name, str) or not USER_NAME.match(name):
            raise Unauthorized(
                f"the bearer JWT names no usable user in {self.config.user_claim!r} or 'sub' "
                "(1 to 128 printable ASCII characters)",
                code="token_invalid",
            )
        return name

    def _role(self, claims: Mapping[str, Any]) -> Role:
        values = claims.get(self.config.roles_claim)
        if isinstance(values, str):
            values = values.split()
        granted = [
            self.config.role_map[value]
            for value in values or ()
            if isinstance(value, str) and value in self.config.role_map
        ]
        if granted:
            return max(granted, key=lambda role: role.rank)
        if self.config.default_role is None:
            raise Forbidden(
                f"none of the token's {self.config.roles_claim!r} maps to a role on this platform",
                code="no_role",
                extra={"claim": self.config.roles_claim},
            )
        return self.config.default_role

    async def _key(self, kid: str | None) -> PyJWK:
        """The issuer's key ``kid`` (or its only key), refetching once when it is unknown."""
        async with self._lock:
            now = time.monotonic()
            if now - self._fetched_at > self.config.jwks_cache_s:
                await self._refresh(now)
            found = self._pick(kid)
            if found is None and now - self._fetched_at >= self.config.jwks_min_refresh_s:
                await self._refresh(now)
                found = self._pick(kid)
        if found is None:
            raise Unauthorized(
                f"the bearer JWT is signed with a key ({kid!r}) the issuer does not publish",
                code="token_invalid",
            )
        return found

    def _pick(self, kid: str | None) -> PyJWK | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def _refresh(self, now: float) -> None:
        try:
            if self._jwks_uri is None:
                discovery = await self._get_json(
                    self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
                )
                if discovery.get("issuer") != self.config.issuer or not isinstance(
                    discovery.get("jwks_uri"), str
                ):
                    raise Unavailable(
                        "the identity provider's discovery document does not name issuer "
                        f"{self.config.issuer} with a jwks_uri",
                        code="identity_provider_unavailable",
                    )
                self._jwks_uri = discovery["jwks_uri"]
            jwks = await self._get_json(self._jwks_uri)
            keys = PyJWKSet.from_dict(jwks).keys
        except (httpx.HTTPError, ValueError, jwt.PyJWKSetError) as exc:
            raise Unavailable(
                f"the identity provider {self.config.issuer} cannot be reached or answers no keys ({exc}); "
                "API tokens keep working",
                code="identity_provider_unavailable",
            ) from exc
        self._keys = {key.key_id or f"#{index}": key for index, key in enumerate(keys)}
        self._fetched_at = now

    async def _get_json(self, url: str) -> dict[str, Any]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=5.0)
        answer = await self._client.get(url)
        answer.raise_for_status()
        body = answer.json()
        if not isinstance(body, dict):
            raise ValueError(f"{url} answered no JSON object")
        return body
