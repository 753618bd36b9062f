"""Issuing, checking and revoking API tokens.

A token is a high-entropy random secret; only its SHA-256 is stored, so a leaked database does
not leak usable tokens. Plain SHA-256 (not a slow password hash) is right for 256-bit random
secrets, and it lets a token be found by its hash in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from kamld_common.db import Database
from kamld_common.errors import Conflict, NotFound
from sqlalchemy.exc import IntegrityError

from kamld_workbench_api.auth.models import ApiToken
from kamld_workbench_api.auth.repository import TokenRepository
from kamld_workbench_api.auth.schemas import Caller, Role

TOKEN_PREFIX = "kamld_"
HINT_LENGTH = 10
LAST_USED_RESOLUTION = timedelta(minutes=1)


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(when: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were written in UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


class TokenService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def create(self, name: str, role: Role, created_by: str | None) -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and never stored."""
        secret = new_secret()
        token = ApiToken(
            name=name,
            role=role.value,
            secret_sha256=secret_hash(secret),
            hint=secret[:HINT_LENGTH],
            created_at=datetime.now(UTC),
            created_by=created_by,
        )
        try:
            async with self.database.unit_of_work() as session:
                repo = TokenRepository(session)
                if await repo.by_name(name) is not None:
                    raise Conflict(f"a token named {name!r} already exists", code="token_exists")
                await repo.add(token)
        except IntegrityError as exc:
            raise Conflict(f"a token named {name!r} already exists", code="token_exists") from exc
        return token, secret

    async def list(self) -> list[ApiToken]:
        async with self.database.unit_of_work() as session:
            return await TokenRepository(session).all()

    async def revoke(self, name: str) -> None:
        async with self.database.unit_of_work() as session:
            if not await TokenRepository(session).delete(name):
                raise NotFound(f"no token named {name!r}", code="token_not_found")

    async def authenticate(self, secret: str) -> Caller | None:
        """The caller a secret belongs to, or None; records when the token was last used."""
        digest = secret_hash(secret)
        async with self.database.unit_of_work() as session:
            repo = TokenRepository(session)
            token = await repo.by_secret_hash(digest)
            if token is None or not hmac.compare_digest(token.secret_sha256, digest):
                return None
            now = datetime.now(UTC)
            last_used = _aware(token.last_used_at)
            if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
                await repo.touch(token.id, now)
            return Caller(name=token.name, role=Role(token.role))

    async def ensure(self, name: str, secret: str, role: Role) -> None:
        """Make ``secret`` a valid token called ``name`` (used for the bootstrap admin token)."""
        digest = secret_hash(secret)
        async with self.database.unit_of_work() as session:
            repo = TokenRepository(session)
            existing = await repo.by_name(name)
            if existing is not None:
                existing.secret_sha256 = digest
                existing.role = role.value
                existing.hint = secret[:HINT_LENGTH]
                return
            other = await repo.by_secret_hash(digest)
            if other is not None:
                await repo.delete(other.name)
                await session.flush()
            await repo.add(
                ApiToken(
                    name=name,
                    role=role.value,
                    secret_sha256=digest,
                    hint=secret[:HINT_LENGTH],
                    created_at=datetime.now(UTC),
                    created_by=None,
                )
            )


def token_info(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "role": token.role,
        "hint": token.hint,
        "created_at": _aware(token.created_at),
        "created_by": token.created_by,
        "last_used_at": _aware(token.last_used_at),
    }
