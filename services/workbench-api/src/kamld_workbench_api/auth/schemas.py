"""Token shapes on the wire and the role order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Role(StrEnum):
    """What a token may do; each role includes the ones before it."""

    viewer = "viewer"
    editor = "editor"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


TOKEN_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=TOKEN_NAME_PATTERN, description="Unique name; it identifies the caller in logs")
    role: Role
    s3: bool = Field(
        False, strict=True, description="Also issue an S3 access key for the S3-compatible endpoint"
    )


class TokenInfo(BaseModel):
    name: str
    role: Role
    hint: str = Field(description="The first characters of the secret, to recognise it")
    created_at: datetime
    created_by: str | None = None
    last_used_at: datetime | None = None
    s3_access_key_id: str | None = Field(None, description="The token's S3 access key id, if it has one")


class TokenCreated(TokenInfo):
    token: str = Field(description="The secret; shown only in this answer, store it now")
    s3_secret_access_key: str | None = Field(
        None, description="The S3 secret key (with `s3`); shown only in this answer, store it now"
    )


class Caller(BaseModel):
    """Who sent the current request."""

    name: str
    role: Role


class TokenSignIn(BaseModel):
    """Sign in with an API token."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=512, description="The API token to sign in with")


class DirectorySignIn(BaseModel):
    """Sign in with a directory (LDAP) user name and password, where the platform has a directory."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=128, description="The directory user name")
    password: SecretStr = Field(max_length=1024, description="The user's password")


SessionCreate = TokenSignIn | DirectorySignIn
"""The body of ``POST /api/v1/session``: one way of signing in or the other."""


class SessionView(Caller):
    """A browser session: who it is, until when, and the CSRF token its mutations must send."""

    expires_at: datetime
    csrf_token: str = Field(description="Send it in `X-CSRF-Token` with every POST, PUT, PATCH and DELETE")


class SignInMethods(BaseModel):
    """The ways of signing in a platform offers (API tokens always)."""

    token: bool = Field(True, description="Signing in with an API token")
    directory: bool = Field(description="Signing in with a directory (LDAP) user name and password")
    oidc_issuer: str | None = Field(
        None, description="The OpenID Connect issuer whose bearer JWTs the API accepts, if any"
    )
