"""The live feed as server-sent events: every event after a position, then new ones as they come.

Each frame carries the event's feed id as its SSE ``id``, so a client that reconnects with
``Last-Event-ID`` (or ``after``) resumes exactly where it stopped. New events are found by
polling the store, which works the same with one replica or several.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

from kamld_observation_hub.events.repository import EventFilter
from kamld_observation_hub.events.schemas import Event
from kamld_observation_hub.events.service import EventService

BATCH = 500
HEARTBEAT_S = 15.0


def frame(event: Event) -> bytes:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n".encode()


async def live_feed(
    events: EventService,
    where: EventFilter,
    after_id: int,
    poll_s: float,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    """Frames of the events after ``after_id`` matching ``where``, until the client goes away."""
    position = after_id
    quiet_since = time.monotonic()
    yield b": kamld event stream\n\n"
    while not await disconnected():
        found = await events.following(replace(where, after_id=position), BATCH)
        for event in found:
            position = event.id
            yield frame(event)
        if found:
            quiet_since = time.monotonic()
            if len(found) == BATCH:
                continue
        elif time.monotonic() - quiet_since >= HEARTBEAT_S:
            quiet_since = time.monotonic()
            yield b": keep-alive\n\n"
        await asyncio.sleep(poll_s)
