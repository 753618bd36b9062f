"""``/api/v1/tokens``: create, list and revoke API tokens (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from kamld_workbench_api.auth.dependencies import get_token_service, require_admin
from kamld_workbench_api.auth.schemas import Caller, TokenCreate, TokenCreated, TokenInfo
from kamld_workbench_api.auth.service import TokenService, token_info

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a token", response_model=TokenCreated)
async def create(
    body: TokenCreate, caller: Caller = Depends(require_admin), tokens: TokenService = Depends(get_token_service)
) -> TokenCreated:
    """Issue a token; its secret appears in this answer only."""
    token, secret = await tokens.create(body.name, body.role, created_by=caller.name)
    return TokenCreated(**token_info(token), token=secret)


@router.get("", summary="List tokens", response_model=list[TokenInfo], name="list")
async def list_tokens(
    _: Caller = Depends(require_admin), tokens: TokenService = Depends(get_token_service)
) -> list[TokenInfo]:
    """Every token with its role and when it was last used (never the secrets)."""
    return [TokenInfo(**token_info(t)) for t in await tokens.list()]


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a token")
async def revoke(
    name: str, _: Caller = Depends(require_admin), tokens: TokenService = Depends(get_token_service)
) -> Response:
    """Revoke a token at once; requests carrying it are refused from now on."""
    await tokens.revoke(name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
