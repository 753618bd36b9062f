"""HTTP routes of the event feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_observation_hub.events.repository import EventFilter, SqlEventRepository
from kamld_observation_hub.events.schemas import Event, EventIn, EventPage
from kamld_observation_hub.events.service import EventService

router = APIRouter(prefix="/events", tags=["events"])


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.database.unit_of_work() as session:
        yield session


# scope="function": the unit of work commits before the response is sent, so a 201 means stored.
def _events(session: Annotated[AsyncSession, Depends(_session, scope="function")]) -> EventService:
    return EventService(SqlEventRepository(session))


Events = Annotated[EventService, Depends(_events)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Record an event")
async def create_event(body: EventIn, events: Events) -> Event:
    """Append an event to the activity and audit feed."""
    return await events.record(body)


@router.get("", summary="List events, newest first")
async def list_events(
    events: Events,
    type: Annotated[str | None, Query(max_length=128, description="Only events of this type")] = None,
    subject: Annotated[
        str | None, Query(max_length=1024, description="Only events about this subject")
    ] = None,
    after: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="`next_after` of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size")] = 50,
) -> EventPage:
    """Page through the feed from the newest event backwards."""
    return await events.page(EventFilter(type=type, subject=subject, before_id=after), limit)
