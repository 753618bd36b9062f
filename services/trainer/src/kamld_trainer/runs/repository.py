"""Where runs are kept: a small protocol and its SQL implementation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_trainer.runs.models import RunRecord


@dataclass(frozen=True)
class RunFilter:
    """Which runs a listing returns: exact ``status``/``artifact``, created before ``before_seq``."""

    status: str | None = None
    artifact: str | None = None
    before_seq: int | None = None


class RunRepository(Protocol):
    async def add(self, record: RunRecord) -> RunRecord: ...

    async def get(self, run_id: uuid.UUID) -> RunRecord | None: ...

    async def newest(self, where: RunFilter, limit: int) -> Sequence[RunRecord]: ...


class SqlRunRepository:
    """Runs in the service's SQL database; adds are flushed, the unit of work commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: RunRecord) -> RunRecord:
        self.session.add(record)
        await self.session.flush()
        return record

    async def get(self, run_id: uuid.UUID) -> RunRecord | None:
        return await self.session.scalar(select(RunRecord).where(RunRecord.id == run_id))

    async def newest(self, where: RunFilter, limit: int) -> Sequence[RunRecord]:
        query = select(RunRecord).order_by(RunRecord.seq.desc()).limit(limit)
        if where.status is not None:
            query = query.where(RunRecord.status == where.status)
        if where.artifact is not None:
            query = query.where(RunRecord.artifact == where.artifact)
        if where.before_seq is not None:
            query = query.where(RunRecord.seq < where.before_seq)
        return (await self.session.scalars(query)).all()
