"""Authentication before any work: the token is checked before a request's body is read.

FastAPI reads and decodes a JSON body before it runs a route's dependencies, so a check made only
in :func:`~kamld_workbench_api.auth.dependencies.require` would let anyone make the gateway read,
buffer and parse whatever they send. :class:`AuthenticationGate` runs first, on the headers
alone: a request without a valid token is answered 401 and its body never read. The caller it
finds is left in the request's state for ``require`` to check the role against. A token over its
request rate (when one is set) is answered 429 with ``Retry-After``.

With an OpenID Connect issuer configured, a bearer JWT it signed stands for its user
(:mod:`~kamld_workbench_api.auth.oidc`).

A browser signed in to the Workbench sends no token but the session cookie
(:mod:`~kamld_workbench_api.auth.sessions`): it stands for its token, and a mutation it
authenticates must carry the CSRF token in ``X-CSRF-Token`` (403 ``csrf_failed`` otherwise).

Open without a token: health and readiness probes, the API description, signing in and out, and
the Workbench's pages and assets (``GET`` outside ``/api/``; they hold no data). ``/metrics`` needs
an admin token or the dedicated metrics token (the one credential Prometheus is given).
"""

from __future__ import annotations

import hmac
import math

from prometheus_client import Counter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from kamld_common.errors import Forbidden, KamldError, TooManyRequests, Unauthorized
from kamld_common.http import INTERNAL_TOKEN_HEADER, current_caller
from kamld_workbench_api.auth.directory import LdapDirectory
from kamld_workbench_api.auth.oidc import OidcVerifier, looks_like_jwt
from kamld_workbench_api.auth.schemas import Caller, Role
from kamld_workbench_api.auth.service import TokenService
from kamld_workbench_api.auth.sessions import (
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    SessionSigner,
    cookie_value,
    csrf_matches,
    subject_user,
)
from kamld_workbench_api.limits.rate import RateLimiter
from kamld_workbench_api.refusals import announced_body, refuse

METRICS_PATH = "/metrics"
SESSION_PATH = "/api/v1/session"
API_PREFIX = "/api/"
OPEN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/api/v1/openapi.json",
        SESSION_PATH,
        SESSION_PATH + "/methods",
    }
)
CALLER_STATE = "kamld_caller"
"""The key of the authenticated :class:`Caller` in the ASGI scope's ``state``."""


def is_web_path(scope: Scope) -> bool:
    """A Workbench page or asset: read-only, outside the API, holding no data."""
    path = scope["path"]
    return scope["method"] in ("GET", "HEAD") and not path.startswith(API_PREFIX) and path != METRICS_PATH


def header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return value
    return None


def bearer_secret(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                return secret.strip()
            return None
    return None


AUTH_REFUSALS = Counter(
    "kamld_auth_refusals_total",
    "Requests the gateway refused before any handler: 401, 403 or 429",
    ["status"],
)


class AuthenticationGate:
    """A pure ASGI middleware admitting only requests with a valid token (see the module's doc)."""

    def __init__(
        self,
        app: ASGIApp,
        tokens: TokenService,
        rate: RateLimiter | None = None,
        metrics_token: str | None = None,
        sessions: SessionSigner | None = None,
        internal_token: str | None = None,
        oidc: OidcVerifier | None = None,
        directory: LdapDirectory | None = None,
    ) -> None:
        self.app = app
        self.oidc = oidc
        self.directory = directory
        self.sessions = sessions
        self.tokens = tokens
        self.rate = rate
        self.metrics_token = metrics_token.encode() if metrics_token else None
        self.internal_token = internal_token.encode() if internal_token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] in OPEN_PATHS
            or scope["method"] == "OPTIONS"
            or is_web_path(scope)
        ):
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and self._is_internal(scope):
            await self.app(scope, receive, send)
            return
        secret = bearer_secret(scope)
        if secret is not None and scope["path"] == METRICS_PATH and self._is_metrics_token(secret):
            await self.app(scope, receive, send)
            return
        try:
            caller = await self._caller(scope, secret)
        except KamldError as error:
            await self._refuse(error, scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and not caller.role.allows(Role.admin):
            forbidden = Forbidden(
                f"/metrics needs the admin role or the metrics token; token {caller.name!r} "
                f"has {caller.role.value}",
                code="role_required",
                extra={"required_role": Role.admin.value, "role": caller.role.value},
            )
            await self._refuse(forbidden, scope, receive, send)
            return
        if self.rate is not None and (wait := self.rate.acquire(caller.name)) > 0:
            await self._refuse(self._rate_limited(caller, wait), scope, receive, send, retry_after=wait)
            return
        scope.setdefault("state", {})[CALLER_STATE] = caller
        await self.app(scope, receive, send)

    async def _caller(self, scope: Scope, secret: str | None) -> Caller:
        """Who sends the request: by its bearer token, else by its session cookie (and CSRF token)."""
        if secret is not None and self.oidc is not None and looks_like_jwt(secret):
            return await self.oidc.caller(secret)
        if secret is not None:
            caller = await self.tokens.authenticate(secret)
            if caller is None:
                raise Unauthorized("the API token is unknown or was revoked", code="token_invalid")
            return caller
        cookies = header(scope, b"cookie")
        value = cookie_value(cookies, SESSION_COOKIE) if cookies and self.sessions else None
        if value is None or self.sessions is None:
            raise Unauthorized(
                "an API token is required: send 'Authorization: Bearer <token>' or sign in",
                code="token_required",
            )
        session = self.sessions.verify(value)
        if session is None:
            raise Unauthorized("the session expired or is not valid: sign in again", code="session_invalid")
        user = subject_user(session.subject)
        if user is not None:
            if self.directory is None:
                raise Unauthorized(
                    "directory sign-in is no longer enabled: sign in again", code="session_invalid"
                )
            caller = await self.directory.caller(user)
        else:
            token_caller = await self.tokens.authenticate_digest(session.subject)
            if token_caller is None:
                raise Unauthorized("the session's API token was revoked: sign in again", code="token_invalid")
            caller = token_caller
        if scope["method"] not in SAFE_METHODS:
            sent = header(scope, CSRF_HEADER.encode())
            if not csrf_matches(session, sent.decode("latin-1") if sent else None):
                raise Forbidden(
                    "a change made with the session cookie needs its CSRF token in the X-CSRF-Token header",
                    code="csrf_failed",
                )
        return caller

    def _is_internal(self, scope: Scope) -> bool:
        """A platform service (observation-hub's status) reading /metrics with the internal token."""
        if self.internal_token is None:
            return False
        offered = Headers(scope=scope).get(INTERNAL_TOKEN_HEADER, "")
        return hmac.compare_digest(offered.encode(), self.internal_token)

    def _is_metrics_token(self, secret: str) -> bool:
        return self.metrics_token is not None and hmac.compare_digest(secret.encode(), self.metrics_token)

    def _rate_limited(self, caller: Caller, wait: float) -> TooManyRequests:
        assert self.rate is not None
        return TooManyRequests(
            f"token {caller.name!r} is over its limit of {self.rate.per_s:g} requests a second "
            f"(bursts of {self.rate.burst}); retry in {wait:.2f} s",
            extra={"limit_per_s": self.rate.per_s, "burst": self.rate.burst, "retry_after_s": round(wait, 3)},
        )

    async def _refuse(
        self, error: KamldError, scope: Scope, receive: Receive, send: Send, retry_after: float | None = None
    ) -> None:
        """Answer ``error``; a request that announced a body gets its connection closed unread."""
        AUTH_REFUSALS.labels(str(error.status)).inc()
        has_body, _ = announced_body(scope)
        headers = {"retry-after": str(math.ceil(retry_after))} if retry_after is not None else None
        await refuse(error, scope, receive, send, close=has_body, headers=headers)


def gateway_caller(scope: Scope) -> str | None:
    """The token name the request was admitted with (for the access log); a caller header sent
    from outside the platform is never believed."""
    caller = scope.get("state", {}).get(CALLER_STATE)
    return caller.name if caller is not None else current_caller.get()
