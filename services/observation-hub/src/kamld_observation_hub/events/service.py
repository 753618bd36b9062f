"""Recording and reading the feed; knows nothing of HTTP.

Ingestion is idempotent by the producer's event id: a batch is recorded in its order, skipping
the events already recorded, in one transaction that holds the ingestion lock. A relay that
delivers a batch again (after observation-hub died before answering) changes nothing.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Unavailable
from kamld_common.paging import Page, page_of
from kamld_observation_hub.events.repository import EventFilter, EventRepository, SqlEventRepository
from kamld_observation_hub.events.schemas import Event, EventIn, Ingested

log = structlog.get_logger("kamld.observation_hub.events")

MAX_ATTEMPTS = 8


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

    def _row(self, event: EventIn, now: datetime) -> dict[str, Any]:
        return {
            "event_id": event.id or str(uuid.uuid4()),
            "type": event.type,
            "actor": event.actor,
            "subject": event.subject,
            "artifact": event.artifact,
            "before": event.before,
            "after": event.after,
            "data": event.data,
            "trace_id": event.trace_id,
            "source": event.source,
            "occurred_at": event.occurred_at or now,
            "recorded_at": now,
        }

    async def record(self, event: EventIn) -> Event:
        """Append one event (or return the one already recorded under its id)."""
        event = event.model_copy(update={"id": event.id or str(uuid.uuid4())})
        await self.ingest([event])
        async with self.database.unit_of_work() as session:
            stored = await self.repository(session).by_event_id(str(event.id))
        assert stored is not None
        return Event.model_validate(stored)

    async def ingest(self, events: Sequence[EventIn]) -> Ingested:
        """Record ``events`` in order, skipping ids already recorded; retried whole on write conflicts."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await self._ingest_once(events)
            except (IntegrityError, OperationalError) as exc:
                if isinstance(exc, OperationalError) and "locked" not in str(exc.orig).lower():
                    raise
                if attempt == MAX_ATTEMPTS:
                    raise Unavailable("the event store is busy; retry", code="database_busy") from exc
                log.info("ingest_retry", attempt=attempt)
                await asyncio.sleep(0.01 * 2**attempt * (0.5 + random.random()))
        raise AssertionError("unreachable")

    async def _ingest_once(self, events: Sequence[EventIn]) -> Ingested:
        now = self.clock()
        async with self.database.unit_of_work() as session:
            repository = self.repository(session)
            await repository.serialise_ingestion()
            seen = await repository.known_ids(event.id for event in events if event.id)
            rows = []
            for event in events:
                row = self._row(event, now)
                if row["event_id"] in seen:
                    continue
                seen.add(row["event_id"])
                rows.append(row)
            await repository.add_many(rows)
        return Ingested(recorded=len(rows), duplicates=len(events) - len(rows))

    async def page(self, where: EventFilter, limit: int) -> Page[Event]:
        """Newest first; fetches one extra row to know whether an older page exists."""
        async with self.database.unit_of_work() as session:
            rows = await self.repository(session).newest(where, limit + 1)
        return page_of([Event.model_validate(row) for row in rows], limit, lambda event: str(event.id))

    async def following(self, where: EventFilter, limit: int) -> list[Event]:
        """Oldest first, those after ``where.after_id``: what a live stream sends next."""
        async with self.database.unit_of_work() as session:
            rows = await self.repository(session).oldest(where, limit)
        return [Event.model_validate(row) for row in rows]

    async def prune(self, retention_days: float) -> int:
        """Delete events recorded more than ``retention_days`` ago; how many went."""
        cutoff = self.clock() - timedelta(days=retention_days)
        async with self.database.unit_of_work() as session:
            removed = await self.repository(session).delete_recorded_before(cutoff)
        if removed:
            log.info("events_pruned", removed=removed, cutoff=cutoff.isoformat())
        return removed
