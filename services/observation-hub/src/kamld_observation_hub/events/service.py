"""Recording and reading the feed; knows nothing of HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.paging import Page, page_of
from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.events.repository import EventFilter, EventRepository, SqlEventRepository
from kamld_observation_hub.events.schemas import Event, EventIn


def utc_now() -> datetime:
    return datetime.now(UTC)


class EventService:
    """Each method is one unit of work of ``database`` (see :mod:`kamld_common.db`)."""

    def __init__(
        self,
        database: Database,
        repository: Callable[[AsyncSession], EventRepository] = SqlEventRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.repository = repository
        self.clock = clock

    async def record(self, event: EventIn) -> Event:
        """Append one event; ``occurred_at`` defaults to the moment it is recorded."""
        now = self.clock()
        record = EventRecord(
            type=event.type,
            actor=event.actor,
            subject=event.subject,
            data=event.data,
            occurred_at=event.occurred_at or now,
            recorded_at=now,
        )
        async with self.database.unit_of_work() as session:
            return Event.model_validate(await self.repository(session).add(record))

    async def page(self, where: EventFilter, limit: int) -> Page[Event]:
        """Newest first; fetches one extra row to know whether an older page exists."""
        async with self.database.unit_of_work() as session:
            rows = await self.repository(session).newest(where, limit + 1)
        return page_of([Event.model_validate(row) for row in rows], limit, lambda event: str(event.id))
