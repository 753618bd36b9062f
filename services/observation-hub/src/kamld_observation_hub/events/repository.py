"""Where events are kept: a small protocol and its SQL implementation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_observation_hub.events.models import EventRecord


@dataclass(frozen=True)
class EventFilter:
    """Which events a listing returns: exact ``type``/``subject`` and ids below ``before_id``."""

    type: str | None = None
    subject: str | None = None
    before_id: int | None = None


class EventRepository(Protocol):
    async def add(self, record: EventRecord) -> EventRecord: ...

    async def newest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]: ...


class SqlEventRepository:
    """Events in the service's SQL database; adds are flushed, the unit of work commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: EventRecord) -> EventRecord:
        self.session.add(record)
        await self.session.flush()
        return record

    async def newest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]:
        query = select(EventRecord).order_by(EventRecord.id.desc()).limit(limit)
        if where.type is not None:
            query = query.where(EventRecord.type == where.type)
        if where.subject is not None:
            query = query.where(EventRecord.subject == where.subject)
        if where.before_id is not None:
            query = query.where(EventRecord.id < where.before_id)
        return (await self.session.scalars(query)).all()
