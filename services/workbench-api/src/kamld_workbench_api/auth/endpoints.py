"""``/api/v1/tokens``: create, list and revoke API tokens (admin only); ``/api/v1/me``: who calls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from kamld_common.errors import Unauthorized
from kamld_workbench_api.auth.dependencies import get_token_service, require_admin, require_viewer
from kamld_workbench_api.auth.directory import LdapDirectory
from kamld_workbench_api.auth.oidc import OidcVerifier
from kamld_workbench_api.auth.schemas import (
    Caller,
    SessionCreate,
    SessionView,
    SignInMethods,
    TokenCreate,
    TokenCreated,
    TokenInfo,
    TokenSignIn,
)
from kamld_workbench_api.auth.service import TokenService, secret_hash, token_info
from kamld_workbench_api.auth.sessions import CSRF_COOKIE, SESSION_COOKIE, SessionSigner, user_subject

router = APIRouter(prefix="/tokens", tags=["tokens"])
me_router = APIRouter(tags=["me"])
session_router = APIRouter(prefix="/session", tags=["session"])

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
async def revoke(name: str, caller: AdminCaller, tokens: Tokens) -> Response:
    """Revoke a token at once; requests carrying it are refused from now on."""
    await tokens.revoke(name, actor=caller.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@session_router.post(
    "",
    summary="Sign in (browser)",
    response_model=SessionView,
    operation_id="createSession",
    responses={401: {}, 403: {}, 503: {}},
)
async def sign_in(body: SessionCreate, request: Request, response: Response, tokens: Tokens) -> SessionView:
    """Exchange an API token, or a directory user name and password, for a session cookie
    (HttpOnly, SameSite=Strict) and a CSRF token."""
    if isinstance(body, TokenSignIn):
        caller = await tokens.authenticate(body.token)
        if caller is None:
            raise Unauthorized("the API token is unknown or was revoked", code="token_invalid")
        subject = secret_hash(body.token)
    else:
        directory: LdapDirectory | None = request.app.state.directory
        if directory is None:
            raise Unauthorized(
                "signing in with a user name needs a directory: this platform has none configured, "
                "sign in with an API token",
                code="directory_not_configured",
            )
        caller = await directory.sign_in(body.username, body.password.get_secret_value())
        subject = user_subject(caller.name)
    signer: SessionSigner = request.app.state.sessions
    value, session = signer.issue(subject)
    secure = request.url.scheme == "https"
    common = {"max_age": signer.lifetime_s, "path": "/", "samesite": "strict", "secure": secure}
    response.set_cookie(SESSION_COOKIE, value, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, session.csrf, httponly=False, **common)  # type: ignore[arg-type]
    response.headers["Cache-Control"] = "no-store"
    expires = datetime.fromtimestamp(session.expires_at, UTC)
    return SessionView(name=caller.name, role=caller.role, expires_at=expires, csrf_token=session.csrf)


@session_router.get(
    "/methods", summary="How one may sign in", response_model=SignInMethods, operation_id="getSignInMethods"
)
async def sign_in_methods(request: Request) -> SignInMethods:
    """Open without a token, for the sign-in page: which ways of signing in this platform offers."""
    oidc: OidcVerifier | None = request.app.state.oidc
    return SignInMethods(
        directory=request.app.state.directory is not None,
        oidc_issuer=oidc.config.issuer if oidc is not None else None,
    )


@session_router.delete(
    "", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out (browser)", operation_id="deleteSession"
)
async def sign_out() -> Response:
    """Clear the session cookies (the API token itself stays valid)."""
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", samesite="strict")
    return response
