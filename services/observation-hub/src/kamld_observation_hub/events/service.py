"""Recording and reading the feed; knows nothing of HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.events.repository import EventFilter, EventRepository
from kamld_observation_hub.events.schemas import Event, EventIn, EventPage


def utc_now() -> datetime:
    return datetime.now(UTC)


class EventService:
    def __init__(self, repository: EventRepository, clock: Callable[[], datetime] = utc_now) -> None:
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
        return Event.model_validate(await self.repository.add(record))

    async def page(self, where: EventFilter, limit: int) -> EventPage:
        """Newest first; fetches one extra row to know whether an older page exists."""
        rows = list(await self.repository.newest(where, limit + 1))
        has_more = len(rows) > limit
        items = [Event.model_validate(row) for row in rows[:limit]]
        return EventPage(items=items, next_after=items[-1].id if has_more else None)
