"""TokenService on both databases: hashed storage, bootstrap, revoke, last-used, concurrent creates."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kamld_common.db import Database
from kamld_common.errors import Conflict, NotFound
from kamld_workbench_api.app import MIGRATIONS
from kamld_workbench_api.auth.models import ApiToken
from kamld_workbench_api.auth.schemas import Role
from kamld_workbench_api.auth.service import TokenService


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'tokens.sqlite3'}", MIGRATIONS)
        await db.migrate()
        yield db
        await db.dispose()
        return
    from kamld_testing.postgres import async_fresh_postgres_database, postgres_unavailable_reason

    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL is not available: {reason}")
    async with async_fresh_postgres_database() as url:
        db = Database(url, MIGRATIONS)
        await db.migrate()
        yield db
        await db.dispose()


async def test_only_the_hash_is_stored_and_the_secret_authenticates(database: Database) -> None:
    tokens = TokenService(database)
    token, secret = await tokens.create("ci", Role.editor, created_by="kamld-up")
    async with database.unit_of_work() as session:
        row = (await session.execute(select(ApiToken).where(ApiToken.name == "ci"))).scalar_one()
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.secret_sha256, row.hint) and len(secret) > 40
    caller = await tokens.authenticate(secret)
    assert caller is not None and (caller.name, caller.role) == ("ci", Role.editor)
    assert await tokens.authenticate(secret + "x") is None
    assert [t.last_used_at is not None for t in await tokens.list()] == [True]


async def test_revoked_tokens_stop_working(database: Database) -> None:
    tokens = TokenService(database)
    _, secret = await tokens.create("temp", Role.viewer, created_by=None)
    await tokens.revoke("temp")
    assert await tokens.authenticate(secret) is None
    with pytest.raises(NotFound):
        await tokens.revoke("temp")


async def test_bootstrap_token_is_ensured_and_replaced(database: Database) -> None:
    tokens = TokenService(database)
    await tokens.ensure("kamld-up", "kamld_first-secret-000000000000", Role.admin)
    await tokens.ensure("kamld-up", "kamld_second-secret-00000000000", Role.admin)
    assert await tokens.authenticate("kamld_first-secret-000000000000") is None
    caller = await tokens.authenticate("kamld_second-secret-00000000000")
    assert caller is not None and caller.role is Role.admin
    assert [t.name for t in await tokens.list()] == ["kamld-up"]


async def test_concurrent_creates_of_one_name_leave_one_token(database: Database) -> None:
    tokens = TokenService(database)
    results = await asyncio.gather(
        *(tokens.create("race", Role.viewer, None) for _ in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    assert [t.name for t in await tokens.list()] == ["race"]
