"""Token rows: add, find, list, delete (the unit of work commits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_workbench_api.auth.models import ApiToken


class TokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_name(self, name: str) -> ApiToken | None:
        return (
            await self.session.execute(select(ApiToken).where(ApiToken.name == name))
        ).scalar_one_or_none()

    async def by_secret_hash(self, secret_sha256: str) -> ApiToken | None:
        query = select(ApiToken).where(ApiToken.secret_sha256 == secret_sha256)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_s3_access_key(self, access_key_id: str) -> ApiToken | None:
        return await self.session.scalar(select(ApiToken).where(ApiToken.s3_access_key_id == access_key_id))

    async def all(self) -> list[ApiToken]:
        return list((await self.session.execute(select(ApiToken).order_by(ApiToken.name))).scalars())

    async def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def delete(self, name: str) -> bool:
        result = cast(
            CursorResult[Any], await self.session.execute(delete(ApiToken).where(ApiToken.name == name))
        )
        return bool(result.rowcount)

    async def touch(self, token_id: int, when: datetime) -> None:
        await self.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))
