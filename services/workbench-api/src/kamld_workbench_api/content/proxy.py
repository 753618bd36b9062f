"""Forwarding one request to storage-gateway with its body and answer streamed, never buffered."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from kamld_common.http import ServiceClient
from kamld_workbench_api.catalog.service import open_stream

REQUEST_HEADERS = ("content-type", "content-length", "range", "if-range", "if-none-match")
BODY_FREE_HEADERS = tuple(h for h in REQUEST_HEADERS if h not in ("content-type", "content-length"))
RESPONSE_HEADERS = (
    "content-type",
    "content-length",
    "content-range",
    "accept-ranges",
    "etag",
    "x-kamld-query-versions",
)
BODYLESS = frozenset({"GET", "HEAD", "DELETE"})


async def forward(upstream: ServiceClient, request: Request, path: str) -> StreamingResponse:
    """Send ``request`` to ``path`` on ``upstream``; errors come back as the upstream's problem."""
    body = None if request.method in BODYLESS else request.stream()
    # A body sent with a GET is not forwarded, so neither is its length: it would promise bytes
    # that never come.
    forwarded = REQUEST_HEADERS if body is not None else BODY_FREE_HEADERS
    headers = {k: v for k, v in request.headers.items() if k.lower() in forwarded}
    response = await open_stream(
        upstream, request.method, path, params=request.query_params, headers=headers, content=body
    )
    passed = {k: v for k, v in response.headers.items() if k.lower() in RESPONSE_HEADERS}
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=passed,
        background=BackgroundTask(response.aclose),
    )
