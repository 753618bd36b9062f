"""Where runs are kept: a small protocol and its SQL implementation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_trainer.runs.models import MetricRecord, RunInputRecord, RunRecord


@dataclass(frozen=True)
class RunFilter:
    """Which runs a listing returns; ``input`` is ``NAME`` (any version) or ``NAME:vN``."""

    status: str | None = None
    artifact: str | None = None
    creator: str | None = None
    input: str | None = None
    before_seq: int | None = None


class RunRepository(Protocol):
    async def add(self, record: RunRecord) -> RunRecord: ...

    async def get(self, run_id: uuid.UUID) -> RunRecord | None: ...

    async def newest(self, where: RunFilter, limit: int) -> Sequence[RunRecord]: ...

    async def change(self, run_id: uuid.UUID, from_status: Sequence[str], **values: Any) -> bool: ...

    async def in_status(self, status: str, executor: str, limit: int) -> Sequence[RunRecord]: ...

    async def add_metrics(self, records: Sequence[MetricRecord]) -> None: ...

    async def metrics(self, run_id: uuid.UUID) -> Sequence[MetricRecord]: ...


class SqlRunRepository:
    """Runs in the service's SQL database; adds are flushed, the unit of work commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: RunRecord) -> RunRecord:
        self.session.add(record)
        await self.session.flush()
        for item in record.inputs:
            ref = str(item["ref"])
            self.session.add(RunInputRecord(run_seq=record.seq, artifact=ref.split(":", 1)[0], ref=ref))
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
        if where.creator is not None:
            query = query.where(RunRecord.creator == where.creator)
        if where.input is not None:
            column = RunInputRecord.ref if ":" in where.input else RunInputRecord.artifact
            reading = select(RunInputRecord.run_seq).where(column == where.input)
            query = query.where(RunRecord.seq.in_(reading))
        if where.before_seq is not None:
            query = query.where(RunRecord.seq < where.before_seq)
        return (await self.session.scalars(query)).all()

    async def change(self, run_id: uuid.UUID, from_status: Sequence[str], **values: Any) -> bool:
        """Set ``values`` on the run if it is still in one of ``from_status``: the one atomic step
        by which a run changes hands (claimed, finished, cancelled), even between processes."""
        result = await self.session.execute(
            update(RunRecord)
            .where(RunRecord.id == run_id, RunRecord.status.in_(list(from_status)))
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def in_status(self, status: str, executor: str, limit: int) -> Sequence[RunRecord]:
        """Oldest first."""
        query = (
            select(RunRecord)
            .where(RunRecord.status == status, RunRecord.executor == executor)
            .order_by(RunRecord.seq)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def add_metrics(self, records: Sequence[MetricRecord]) -> None:
        self.session.add_all(records)
        await self.session.flush()

    async def metrics(self, run_id: uuid.UUID) -> Sequence[MetricRecord]:
        query = (
            select(MetricRecord)
            .where(MetricRecord.run_id == run_id)
            .order_by(MetricRecord.key, MetricRecord.step, MetricRecord.seq)
        )
        return (await self.session.scalars(query)).all()
