"""Issuing, checking and revoking API tokens.

A token is a high-entropy random secret; only its SHA-256 is stored, so a leaked database does
not leak usable tokens. Plain SHA-256 (not a slow password hash) is right for 256-bit random
secrets, and it lets a token be found by its hash in one indexed lookup.

Every authenticated request would otherwise cost that lookup, so the callers of recently seen
secrets are kept in memory for a few seconds (:data:`AUTHENTICATION_CACHE_TTL_S`). Revoking or
replacing a token drops it from this process's memory at once; another replica of the gateway
may still admit it until its own entry expires, which bounds how long a revoked token lives on.
Unknown secrets are never remembered, so a token works on every replica as soon as it is created.
When a remembered secret expires while many requests carry it, their lookups share one query
(:class:`~kamld_workbench_api.coalescing.ReadCoalescer`) instead of all reaching the database at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cachetools import TTLCache
from sqlalchemy.exc import IntegrityError

from kamld_common.db import Database
from kamld_common.errors import Conflict, NotFound
from kamld_workbench_api import events
from kamld_workbench_api.auth.models import ApiToken
from kamld_workbench_api.auth.repository import TokenRepository
from kamld_workbench_api.auth.schemas import Caller, Role
from kamld_workbench_api.coalescing import ReadCoalescer
from kamld_workbench_api.epochs import WriteEpochs

TOKEN_PREFIX = "kamld_"
HINT_LENGTH = 10
LAST_USED_RESOLUTION = timedelta(minutes=1)
AUTHENTICATION_CACHE_TTL_S = 5.0
AUTHENTICATION_CACHE_SIZE = 10_000
# The shared counter of revocations: a name no artifact can have (a slot it shares by hash with
# one only costs a spurious miss).
REVOCATIONS = "\x00token-revocations"


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_s3_key() -> tuple[str, str]:
    """An S3 access key id (20 upper-case characters, as AWS's) and a 40-character secret key."""
    key_id = "KAMLD" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(15))
    return key_id, secrets.token_urlsafe(30)[:40]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(when: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were written in UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


class TokenService:
    def __init__(
        self,
        database: Database,
        *,
        cache_ttl_s: float = AUTHENTICATION_CACHE_TTL_S,
        cache_size: int = AUTHENTICATION_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
        epochs: WriteEpochs | None = None,
    ) -> None:
        self.database = database
        # Revocations in other workers: each advances a shared counter, and a worker that sees it
        # move forgets every token it remembers before answering from memory again.
        self._epochs = epochs
        self._seen_revocations = epochs.current(REVOCATIONS) if epochs is not None else 0
        self._recent: TTLCache[str, Caller] | None = (
            TTLCache(maxsize=cache_size, ttl=cache_ttl_s, timer=clock) if cache_ttl_s > 0 else None
        )
        # Bumped around every revocation: a lookup that overlapped one does not remember its answer,
        # which may have been read before the token was deleted.
        self._generation = 0
        self._lookups: ReadCoalescer[Caller | None] = ReadCoalescer()

    def _forget(self, name: str, digest: str | None = None) -> None:
        """Drop what is remembered of token ``name`` (revoked or given a new secret) and of ``digest``."""
        self._generation += 1
        if self._epochs is not None:
            self._epochs.advance(REVOCATIONS)
        if self._recent is None:
            return
        stale = [known for known, caller in self._recent.items() if caller.name == name or known == digest]
        for known in stale:
            self._recent.pop(known, None)

    async def create(
        self, name: str, role: Role, created_by: str | None, *, s3: bool = False
    ) -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and never stored. With ``s3``, the token also
        gets an S3 access key id and secret key (``token.s3_*``)."""
        secret = new_secret()
        access_key_id, secret_key = new_s3_key() if s3 else (None, None)
        token = ApiToken(
            s3_access_key_id=access_key_id,
            s3_secret_key=secret_key,
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
                await events.emit(session, events.token_created(name, role.value, created_by or "system"))
        except IntegrityError as exc:
            raise Conflict(f"a token named {name!r} already exists", code="token_exists") from exc
        return token, secret

    async def list(self) -> list[ApiToken]:
        async with self.database.unit_of_work() as session:
            return await TokenRepository(session).all()

    async def s3_credentials(self, access_key_id: str) -> tuple[Caller, str] | None:
        """The caller and secret key of an S3 access key id; None for an unknown or revoked one."""
        async with self.database.unit_of_work() as session:
            token = await TokenRepository(session).by_s3_access_key(access_key_id)
            if token is None or token.s3_secret_key is None:
                return None
            return Caller(name=token.name, role=Role(token.role)), token.s3_secret_key

    async def revoke(self, name: str, actor: str = "system") -> None:
        self._forget(name)
        try:
            async with self.database.unit_of_work() as session:
                repo = TokenRepository(session)
                token = await repo.by_name(name)
                if token is None or not await repo.delete(name):
                    raise NotFound(f"no token named {name!r}", code="token_not_found")
                await events.emit(session, events.token_revoked(name, token.role, actor))
        finally:
            self._forget(name)

    async def authenticate(self, secret: str) -> Caller | None:
        """The caller a secret belongs to, or None; records when the token was last used.

        A secret seen within the cache TTL is answered from memory; its ``last_used_at`` is then
        refreshed on the next database lookup, well within :data:`LAST_USED_RESOLUTION`.
        """
        return await self.authenticate_digest(secret_hash(secret))

    async def authenticate_digest(self, digest: str) -> Caller | None:
        """:meth:`authenticate` by the secret's SHA-256 (what a browser session cookie holds)."""
        self._follow_other_workers()
        if self._recent is not None and (cached := self._recent.get(digest)) is not None:
            return cached
        generation = self._generation
        caller = await self._lookups.read(digest, lambda: self._authenticate_in_database(digest))
        self._follow_other_workers()
        if caller is not None and self._recent is not None and generation == self._generation:
            self._recent[digest] = caller
        return caller

    def _follow_other_workers(self) -> None:
        """Forget every remembered token once another worker has revoked or replaced one."""
        if self._epochs is None:
            return
        revocations = self._epochs.current(REVOCATIONS)
        if revocations != self._seen_revocations:
            self._seen_revocations = revocations
            self._generation += 1
            if self._recent is not None:
                self._recent.clear()

    async def _authenticate_in_database(self, digest: str) -> Caller | None:
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
        self._forget(name, digest)
        try:
            await self._ensure_in_database(name, digest, secret[:HINT_LENGTH], role)
        finally:
            self._forget(name, digest)

    async def _ensure_in_database(self, name: str, digest: str, hint: str, role: Role) -> None:
        async with self.database.unit_of_work() as session:
            repo = TokenRepository(session)
            existing = await repo.by_name(name)
            if existing is not None:
                existing.secret_sha256 = digest
                existing.role = role.value
                existing.hint = hint
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
                    hint=hint,
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
        "s3_access_key_id": token.s3_access_key_id,
    }
