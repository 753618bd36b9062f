"""Where events are kept: a small protocol and its SQL implementation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_observation_hub.events.models import EventRecord

# One lock for all ingestion on PostgreSQL: feed ids are then handed out in commit order, so a
# reader following the feed by id never skips an event committed after a larger id.
INGEST_LOCK = 0x6B616D6C


@dataclass(frozen=True)
class EventFilter:
    """Which events a listing returns (all given conditions hold)."""

    type: str | None = None
    subject: str | None = None
    artifact: str | None = None
    actor: str | None = None
    since: datetime | None = None
    before_id: int | None = None
    after_id: int | None = None


class EventRepository(Protocol):
    async def add(self, record: EventRecord) -> EventRecord: ...

    async def serialise_ingestion(self) -> None: ...

    async def add_many(self, rows: list[dict[str, Any]]) -> None: ...

    async def known_ids(self, event_ids: Iterable[str]) -> set[str]: ...

    async def by_event_id(self, event_id: str) -> EventRecord | None: ...

    async def newest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]: ...

    async def oldest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]: ...

    async def delete_recorded_before(self, moment: datetime) -> int: ...


class SqlEventRepository:
    """Events in the service's SQL database; adds are flushed, the unit of work commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: EventRecord) -> EventRecord:
        self.session.add(record)
        await self.session.flush()
        return record

    async def add_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert rows in list order (one statement, executed for many rows: ids follow the order)."""
        if rows:
            await self.session.execute(insert(EventRecord), rows)

    async def serialise_ingestion(self) -> None:
        """Hold the ingestion lock to the end of the transaction (SQLite serialises writers anyway)."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": INGEST_LOCK})

    async def known_ids(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(event_ids)
        if not ids:
            return set()
        rows = await self.session.scalars(select(EventRecord.event_id).where(EventRecord.event_id.in_(ids)))
        return {row for row in rows if row is not None}

    async def by_event_id(self, event_id: str) -> EventRecord | None:
        return await self.session.scalar(select(EventRecord).where(EventRecord.event_id == event_id))

    def _filtered(self, query: Any, where: EventFilter) -> Any:
        for column, value in (
            (EventRecord.type, where.type),
            (EventRecord.subject, where.subject),
            (EventRecord.artifact, where.artifact),
            (EventRecord.actor, where.actor),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.since is not None:
            query = query.where(EventRecord.occurred_at >= where.since)
        if where.before_id is not None:
            query = query.where(EventRecord.id < where.before_id)
        if where.after_id is not None:
            query = query.where(EventRecord.id > where.after_id)
        return query

    async def newest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]:
        query = self._filtered(select(EventRecord), where).order_by(EventRecord.id.desc()).limit(limit)
        return (await self.session.scalars(query)).all()

    async def oldest(self, where: EventFilter, limit: int) -> Sequence[EventRecord]:
        query = self._filtered(select(EventRecord), where).order_by(EventRecord.id).limit(limit)
        return (await self.session.scalars(query)).all()

    async def delete_recorded_before(self, moment: datetime) -> int:
        result = await self.session.execute(delete(EventRecord).where(EventRecord.recorded_at < moment))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
