"""``/api/v1/tokens``: create, list and revoke API tokens (admin only); ``/api/v1/me``: who calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from kamld_workbench_api.auth.dependencies import get_token_service, require_admin, require_viewer
from kamld_workbench_api.auth.schemas import Caller, TokenCreate, TokenCreated, TokenInfo
from kamld_workbench_api.auth.service import TokenService, token_info

router = APIRouter(prefix="/tokens", tags=["tokens"])
me_router = APIRouter(tags=["me"])

AdminCaller = Annotated[Caller, Depends(require_admin)]
Tokens = Annotated[TokenService, Depends(get_token_service)]


@me_router.get("/me", summary="Who am I", response_model=Caller, operation_id="getMe")
async def me(caller: Annotated[Caller, Depends(require_viewer)]) -> Caller:
    """The name and role of the token this request carries."""
    return caller


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a token",
    response_model=TokenCreated,
    operation_id="createToken",
)
async def create(body: TokenCreate, caller: AdminCaller, tokens: Tokens) -> TokenCreated:
    """Issue a token; its secret appears in this answer only."""
    token, secret = await tokens.create(body.name, body.role, created_by=caller.name, s3=body.s3)
    return TokenCreated(**token_info(token), token=secret, s3_secret_access_key=token.s3_secret_key)


@router.get("", summary="List tokens", response_model=list[TokenInfo], operation_id="listTokens")
async def list_tokens(_: AdminCaller, tokens: Tokens) -> list[TokenInfo]:
    """Every token with its role and when it was last used (never the secrets)."""
    return [TokenInfo(**token_info(t)) for t in await tokens.list()]


@router.delete(
    "/{name}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a token", operation_id="revokeToken"
)
async def revoke(name: str, _: AdminCaller, tokens: Tokens) -> Response:
    """Revoke a token at once; requests carrying it are refused from now on."""
    await tokens.revoke(name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
