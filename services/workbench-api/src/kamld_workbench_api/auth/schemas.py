"""Token shapes on the wire and the role order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_core import PydanticCustomError


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


class SessionCreate(BaseModel):
    """Sign in with an API token, or with a directory user name and password (when LDAP is set up)."""

    model_config = ConfigDict(extra="forbid")

    token: str | None = Field(None, min_length=1, max_length=512, description="The API token to sign in with")
    username: str | None = Field(
        None, min_length=1, max_length=128, description="A directory user name (with `password`)"
    )
    password: SecretStr | None = Field(
        None, max_length=1024, description="The directory user's password (with `username`)"
    )

    @model_validator(mode="after")
    def _one_way(self) -> SessionCreate:
        if (self.token is None) == (self.username is None):
            raise PydanticCustomError("sign_in_way", "give either `token` or `username` and `password`")
        if self.username is not None and self.password is None:
            raise PydanticCustomError("password_missing", "`password` is required with `username`")
        if self.token is not None and self.password is not None:
            raise PydanticCustomError("password_unexpected", "`password` goes with `username`, not `token`")
        return self


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
