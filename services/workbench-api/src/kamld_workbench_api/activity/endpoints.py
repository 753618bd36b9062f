"""``GET /api/v1/events`` and its live stream: thin handlers over observation-hub's feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from kamld_common import patterns
from kamld_common.outbox import EVENT_TYPES
from kamld_common.paging import Page, cursor_query, limit_query
from kamld_common.timestamps import IsoDateTime
from kamld_workbench_api.activity.schemas import Event
from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.catalog.service import open_stream
from kamld_workbench_api.upstreams import Upstreams, get_upstreams

router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(require_viewer)])

TYPE_PATTERN = "^(" + "|".join(name.replace(".", r"\.") for name in sorted(EVENT_TYPES)) + ")$"

Type = Annotated[
    str | None,
    Query(
        max_length=128, description="Only events of this type", json_schema_extra={"pattern": TYPE_PATTERN}
    ),
]
Artifact = Annotated[str | None, Query(max_length=128, description="Only events of this artifact")]
Actor = Annotated[
    str | None, Query(max_length=256, description="Only events caused by this actor (token name)")
]
Since = Annotated[IsoDateTime | None, Query(description="Only events that happened at or after this time")]
UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]


def _filters(type: str | None, artifact: str | None, actor: str | None, since: IsoDateTime | None) -> dict:
    given = {
        "type": type,
        "artifact": artifact,
        "actor": actor,
        "since": since.isoformat() if since else None,
    }
    return {key: value for key, value in given.items() if value is not None}


@router.get("", summary="List events, newest first", operation_id="listEvents")
async def list_events(
    upstreams: UpstreamsDep,
    type: Type = None,
    artifact: Artifact = None,
    actor: Actor = None,
    since: Since = None,
    after: Annotated[str | None, cursor_query(18, patterns.POSITIVE_ID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[Event]:
    """The activity and audit feed: every recorded change, newest first, filtered."""
    params = {**_filters(type, artifact, actor, since), "limit": limit}
    if after:
        params["after"] = after
    return (await upstreams.observation_hub.get("/events", params=params)).json()


@router.get(
    "/stream",
    summary="Follow events live (server-sent events)",
    operation_id="streamEvents",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "One SSE frame per event"}},
)
async def stream_events(
    upstreams: UpstreamsDep,
    type: Type = None,
    artifact: Artifact = None,
    actor: Actor = None,
    since: Since = None,
    start_after: Annotated[
        str | None,
        Query(
            max_length=18,
            description="Start after this event id (default: only new events)",
            pattern=r"^[0-9]*$",
        ),
    ] = None,
    last_event_id: Annotated[str | None, Header(max_length=18, include_in_schema=False)] = None,
) -> StreamingResponse:
    """Every event after `start_after` (or the `Last-Event-ID` a reconnecting client sends), then each new
    one."""
    params = _filters(type, artifact, actor, since)
    if start_after:
        params["start_after"] = start_after
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    upstream = await open_stream(
        upstreams.observation_hub, "GET", "/events/stream", params=params, headers=headers, timeout=None
    )
    return StreamingResponse(
        upstream.aiter_raw(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(upstream.aclose),
    )
