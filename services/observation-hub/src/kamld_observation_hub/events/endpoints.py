"""HTTP routes of the event feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from kamld_common import patterns
from kamld_common.paging import Page, cursor_query, int_cursor, limit_query
from kamld_observation_hub.events.repository import EventFilter
from kamld_observation_hub.events.schemas import Event, EventIn
from kamld_observation_hub.events.service import EventService

router = APIRouter(prefix="/events", tags=["events"])


async def _events(request: Request) -> EventService:
    return EventService(request.app.state.database)


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
    after: Annotated[str | None, cursor_query(18, patterns.POSITIVE_ID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[Event]:
    """Page through the feed from the newest event backwards."""
    return await events.page(
        EventFilter(type=type, subject=subject, before_id=int_cursor(after, minimum=1)), limit
    )
