"""HTTP routes of the event feed."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import StreamingResponse

from kamld_common import patterns
from kamld_common.errors import Invalid
from kamld_common.outbox import EVENT_TYPES
from kamld_common.paging import Page, cursor_query, int_cursor, limit_query
from kamld_common.timestamps import IsoDateTime
from kamld_observation_hub.events.repository import EventFilter
from kamld_observation_hub.events.schemas import Event, EventBatch, EventIn, Ingested
from kamld_observation_hub.events.service import EventService
from kamld_observation_hub.events.stream import live_feed

router = APIRouter(prefix="/events", tags=["events"])


async def _events(request: Request) -> EventService:
    return EventService(request.app.state.database)


Events = Annotated[EventService, Depends(_events)]


def _known_type(value: str | None) -> str | None:
    if value is not None and value not in EVENT_TYPES:
        raise Invalid(
            f"unknown event type {value!r}; known types: {', '.join(sorted(EVENT_TYPES))}",
            field=["query", "type"],
            code="unknown_event_type",
        )
    return value


async def event_filter(
    type: Annotated[
        str | None,
        Query(
            max_length=128,
            description="Only events of this type",
            json_schema_extra={"enum": sorted(EVENT_TYPES)},
        ),
    ] = None,
    subject: Annotated[
        str | None, Query(max_length=1024, description="Only events about this subject")
    ] = None,
    artifact: Annotated[str | None, Query(max_length=128, description="Only events of this artifact")] = None,
    actor: Annotated[
        str | None, Query(max_length=256, description="Only events caused by this actor")
    ] = None,
    since: Annotated[
        IsoDateTime | None, Query(description="Only events that happened at or after this time (ISO 8601)")
    ] = None,
) -> EventFilter:
    """The filters the listing and the live stream share."""
    return EventFilter(type=_known_type(type), subject=subject, artifact=artifact, actor=actor, since=since)


Filter = Annotated[EventFilter, Depends(event_filter)]


def _position(value: str | None) -> int | None:
    """A feed id to start after; a 422 naming ``start_after`` when it is not one."""
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()):
        raise Invalid(f"{value!r} is not a feed id", field=["query", "start_after"], code="unknown_cursor")
    return int(value)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Record an event")
async def create_event(body: EventIn, events: Events) -> Event:
    """Append an event to the activity and audit feed (a no-op for an id already recorded)."""
    return await events.record(body)


@router.post("/batch", summary="Record events in order, idempotently")
async def ingest_events(body: EventBatch, events: Events) -> Ingested:
    """Append events in the given order, skipping those whose id is already recorded."""
    return await events.ingest(body.events)


@router.get("", summary="List events, newest first")
async def list_events(
    events: Events,
    where: Filter,
    after: Annotated[str | None, cursor_query(18, patterns.POSITIVE_ID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[Event]:
    """Page through the feed from the newest event backwards."""
    return await events.page(replace(where, before_id=int_cursor(after, minimum=1)), limit)


@router.get(
    "/stream",
    summary="Follow the feed live (server-sent events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "One SSE frame per event"}},
)
async def stream_events(
    request: Request,
    events: Events,
    where: Filter,
    start_after: Annotated[
        str | None, Query(max_length=18, description="Start after this feed id (default: only new events)")
    ] = None,
    last_event_id: Annotated[str | None, Header(max_length=18, include_in_schema=False)] = None,
) -> StreamingResponse:
    """Every event after ``start_after`` (or ``Last-Event-ID``), then each new one as it is recorded."""
    position = _position(last_event_id or start_after)
    if position is None:
        newest = await events.page(EventFilter(), 1)
        position = newest.items[0].id if newest.items else 0
    poll_s = request.app.state.settings.stream_poll_s
    return StreamingResponse(
        live_feed(events, where, position, poll_s, request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
