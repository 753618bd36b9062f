"""Transfer grants: short-lived signed capabilities to move chunk bytes straight to storage-gateway.

workbench-api knows users and roles, storage-gateway does not; a grant carries workbench-api's
decision to storage-gateway so chunk bytes can skip the proxy hop. A grant is an HS256 JWT
signed with the key both services share, scoped to writing one upload session or to reading
chunks by digest. It is a bearer capability: whoever holds it may use it until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt
from pydantic import SecretStr

from kamld_common.errors import Forbidden, Unauthorized

GRANT_HEADER = "X-Kamld-Grant"
AUDIENCE = "kamld-storage"
ALGORITHM = "HS256"
MIN_KEY_BYTES = 32
REQUIRED_CLAIMS = ("access", "aud", "exp", "iat")


class Access(StrEnum):
    read = "read"
    write = "write"


@dataclass(frozen=True)
class Grant:
    """What a verified grant allows."""

    access: Access
    upload_id: str | None
    expires_at: datetime


def _key_bytes(key: str | bytes | SecretStr) -> bytes:
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    return key.encode() if isinstance(key, str) else key


def check_transfer_key(key: SecretStr | None) -> SecretStr | None:
    """Settings validator: an empty key means unset; one too short for HMAC-SHA256 stops the start."""
    if key is None or not key.get_secret_value():
        return None
    size = len(_key_bytes(key))
    if size < MIN_KEY_BYTES:
        raise ValueError(
            f"transfer_key must be at least {MIN_KEY_BYTES} bytes, not {size}; generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return key


def sign_grant(
    key: str | bytes | SecretStr,
    *,
    access: Access | str,
    upload_id: str | None = None,
    ttl_s: int,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    """A signed grant and the moment it expires; a write grant names exactly one upload session."""
    access = Access(access)
    if (access is Access.write) != (upload_id is not None):
        raise ValueError("a write grant needs an upload id, and a read grant takes none")
    if ttl_s <= 0:
        raise ValueError("ttl_s must be positive")
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    expires = issued + timedelta(seconds=ttl_s)
    claims: dict[str, object] = {
        "access": access.value,
        "aud": AUDIENCE,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    if upload_id is not None:
        claims["upload"] = upload_id
    return jwt.encode(claims, _key_bytes(key), algorithm=ALGORITHM), expires


def verify_grant(
    key: str | bytes | SecretStr, token: str, *, access: Access | str, upload_id: str | None = None
) -> Grant:
    """The grant ``token`` if it is genuine, unexpired and allows ``access`` (to ``upload_id``).

    401 ``grant_expired`` or ``grant_invalid`` when it cannot be trusted; 403 ``grant_forbidden``
    when it is genuine but for another access or another upload session.
    """
    access = Access(access)
    try:
        # ``iat`` is informational: refusing one slightly ahead would only punish clock skew.
        claims = jwt.decode(
            token,
            _key_bytes(key),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": list(REQUIRED_CLAIMS), "verify_iat": False},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(
            "the transfer grant has expired; ask for a new one", code="grant_expired"
        ) from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the transfer grant is not valid: {exc}", code="grant_invalid") from None
    granted, upload = claims.get("access"), claims.get("upload")
    if granted != access.value:
        raise Forbidden(
            f"this transfer grant is for {granted!r} access, not {access.value!r}",
            code="grant_forbidden",
            extra={"granted": granted, "required": access.value},
        )
    if access is Access.write and (not isinstance(upload, str) or upload != upload_id):
        raise Forbidden(
            f"this transfer grant is for another upload session, not {upload_id!r}",
            code="grant_forbidden",
            extra={"upload_id": upload_id},
        )
    return Grant(
        access, upload if isinstance(upload, str) else None, datetime.fromtimestamp(claims["exp"], UTC)
    )
