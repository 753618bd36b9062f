"""``require(role)``: the one place a public route checks who calls it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kamld_common.errors import Forbidden, Unauthorized
from kamld_common.http import current_caller
from kamld_workbench_api.auth.gate import CALLER_STATE
from kamld_workbench_api.auth.schemas import Caller, Role
from kamld_workbench_api.auth.service import TokenService

bearer = HTTPBearer(
    auto_error=False,
    description="An API token, or a JWT of the configured OpenID Connect issuer: "
    "`Authorization: Bearer <token>`",
)


async def get_token_service(request: Request) -> TokenService:
    """Async so FastAPI calls it inline rather than through its thread pool."""
    return request.app.state.tokens


def check_role(
    caller: Caller, role: Role, what: str, *, code: str = "role_required", field: list[str] | None = None
) -> None:
    """403 naming the role ``what`` needs (and the request ``field`` that needs it) when ``caller``
    has less: the one refusal of every role check, whole routes and single fields alike."""
    if caller.role.allows(role):
        return
    extra: dict[str, object] = {"required_role": role.value, "role": caller.role.value}
    if field is not None:
        extra["field"] = field
    raise Forbidden(f"{what}; token {caller.name!r} has {caller.role.value}", code=code, extra=extra)


def require(role: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency admitting callers whose token has at least ``role``: 401 without one, 403 below it."""

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        tokens: Annotated[TokenService, Depends(get_token_service)],
    ) -> Caller:
        caller = request.scope.get("state", {}).get(CALLER_STATE)
        if caller is None:
            caller = await _authenticate(credentials, tokens)
        current_caller.set(caller.name)
        check_role(caller, role, f"this needs the {role.value} role")
        return caller

    dependency.__name__ = f"require_{role.value}"
    return dependency


async def _authenticate(credentials: HTTPAuthorizationCredentials | None, tokens: TokenService) -> Caller:
    """The caller of a request :class:`~kamld_workbench_api.auth.gate.AuthenticationGate` did not see."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized(
            "an API token is required: send 'Authorization: Bearer <token>'", code="token_required"
        )
    caller = await tokens.authenticate(credentials.credentials)
    if caller is None:
        raise Unauthorized("the API token is unknown or was revoked", code="token_invalid")
    return caller


require_viewer = require(Role.viewer)
require_editor = require(Role.editor)
require_admin = require(Role.admin)
