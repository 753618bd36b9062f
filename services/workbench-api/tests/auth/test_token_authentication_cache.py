"""The in-memory memory of recently authenticated tokens: revocation wins at once on the replica that
revokes, within the TTL on the others; unknown secrets are never remembered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from kamld_common.db import Database
from kamld_workbench_api.app import MIGRATIONS
from kamld_workbench_api.auth.models import ApiToken
from kamld_workbench_api.auth.schemas import Role
from kamld_workbench_api.auth.service import TokenService, secret_hash


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'tokens.sqlite3'}", MIGRATIONS)
    await db.migrate()
    yield db
    await db.dispose()


async def test_a_remembered_token_is_refused_right_after_it_is_revoked(database: Database) -> None:
    tokens = TokenService(database, cache_ttl_s=60)
    _, secret = await tokens.create("ci", Role.editor, created_by=None)
    assert await tokens.authenticate(secret) is not None
    assert await tokens.authenticate(secret) is not None
    await tokens.revoke("ci")
    assert await tokens.authenticate(secret) is None


async def test_a_known_token_is_answered_from_memory_within_the_ttl(database: Database) -> None:
    clock = Clock()
    tokens = TokenService(database, cache_ttl_s=5, clock=clock)
    _, secret = await tokens.create("ci", Role.viewer, created_by=None)
    assert await tokens.authenticate(secret) is not None
    # Change the row behind the service's back: the remembered answer stands until the TTL ends.
    async with database.unit_of_work() as session:
        await session.execute(update(ApiToken).where(ApiToken.name == "ci").values(role=Role.admin.value))
    remembered = await tokens.authenticate(secret)
    assert remembered is not None and remembered.role is Role.viewer
    clock.now += 5.1
    fresh = await tokens.authenticate(secret)
    assert fresh is not None and fresh.role is Role.admin


async def test_another_replica_refuses_a_revoked_token_once_its_ttl_has_passed(database: Database) -> None:
    clock = Clock()
    revoking, other = TokenService(database), TokenService(database, cache_ttl_s=5, clock=clock)
    _, secret = await revoking.create("ci", Role.viewer, created_by=None)
    assert await other.authenticate(secret) is not None
    await revoking.revoke("ci")
    clock.now += 4.9
    assert await other.authenticate(secret) is not None, "within the TTL the other replica still remembers"
    clock.now += 0.2
    assert await other.authenticate(secret) is None


async def test_unknown_secrets_are_not_remembered(database: Database) -> None:
    tokens = TokenService(database, cache_ttl_s=60)
    secret = "kamld_not-yet-a-token"
    assert await tokens.authenticate(secret) is None
    await TokenService(database).ensure("bootstrap", secret, Role.admin)
    caller = await tokens.authenticate(secret)
    assert caller is not None and (caller.name, caller.role) == ("bootstrap", Role.admin)


async def test_giving_a_token_a_new_secret_retires_the_old_one_at_once(database: Database) -> None:
    tokens = TokenService(database, cache_ttl_s=60)
    await tokens.ensure("bootstrap", "kamld_first-secret", Role.admin)
    assert await tokens.authenticate("kamld_first-secret") is not None
    await tokens.ensure("bootstrap", "kamld_second-secret", Role.admin)
    assert await tokens.authenticate("kamld_first-secret") is None
    assert await tokens.authenticate("kamld_second-secret") is not None


async def test_a_lookup_overlapping_a_revocation_is_not_remembered(database: Database) -> None:
    tokens = TokenService(database, cache_ttl_s=60)
    _, secret = await tokens.create("ci", Role.viewer, created_by=None)
    digest = secret_hash(secret)
    original = tokens._authenticate_in_database

    async def lookup_then_revoke(found_digest: str):
        caller = await original(found_digest)
        await tokens.revoke("ci")  # lands after the row was read, before the answer is remembered
        return caller

    tokens._authenticate_in_database = lookup_then_revoke  # type: ignore[method-assign]
    assert await tokens.authenticate(secret) is not None
    tokens._authenticate_in_database = original  # type: ignore[method-assign]
    assert await tokens.authenticate(secret) is None
    async with database.unit_of_work() as session:
        assert (await session.execute(delete(ApiToken).where(ApiToken.secret_sha256 == digest))).rowcount == 0


async def test_requests_arriving_together_after_expiry_share_one_lookup(database: Database) -> None:
    """When a remembered token expires under load, the burst of requests carrying it costs one
    database lookup, not one each."""
    import asyncio

    clock = Clock()
    tokens = TokenService(database, cache_ttl_s=5, clock=clock)
    _, secret = await tokens.create("fleet", Role.viewer, created_by=None)
    lookups = 0
    looked_up = tokens._authenticate_in_database

    async def counted(digest: str):
        nonlocal lookups
        lookups += 1
        return await looked_up(digest)

    tokens._authenticate_in_database = counted  # type: ignore[method-assign]
    callers = await asyncio.gather(*(tokens.authenticate(secret) for _ in range(30)))
    assert all(caller is not None and caller.name == "fleet" for caller in callers)
    assert lookups == 1
    clock.now += 5.1
    await asyncio.gather(*(tokens.authenticate(secret) for _ in range(30)))
    assert lookups == 2
