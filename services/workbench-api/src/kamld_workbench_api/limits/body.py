"""Request body limits per route, enforced before and while a body is read.

JSON routes get a small limit; the routes that stream content to storage-gateway (chunk batches,
whole files, single chunks, the NDJSON commit) a large one, and keep streaming: the limit counts
bytes as they pass instead of reading the body first. A declared ``Content-Length`` over the
limit is refused before any byte is read; a body that turns out longer (chunked, or a lying
length) is cut off at the limit. Either way the answer is 413 problem+json naming the limit, and
the connection closes rather than read the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kamld_common.errors import BadRequest, PayloadTooLarge
from kamld_workbench_api.refusals import announced_body, refuse

STREAMED_ROUTES = (
    ("POST", re.compile(r"/api/v1/uploads/[^/]+/chunks")),
    ("POST", re.compile(r"/api/v1/uploads/[^/]+/commit")),
    ("PUT", re.compile(r"/api/v1/uploads/[^/]+/files/.+")),
    ("PUT", re.compile(r"/api/v1/chunks/[^/]+")),
)
"""The routes whose body is content streamed to storage-gateway, not a document parsed here."""


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once a body passes its limit; the middleware answers 413."""


@dataclass(frozen=True)
class BodyLimits:
    json_bytes: int
    streamed_bytes: int

    def for_route(self, method: str, path: str) -> int:
        for streamed_method, pattern in STREAMED_ROUTES:
            if method == streamed_method and pattern.fullmatch(path):
                return self.streamed_bytes
        return self.json_bytes


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the request body exceeds this route's limit of {limit} bytes",
        code="body_too_large",
        extra={"limit_bytes": limit},
    )


class BodyLimitMiddleware:
    """A pure ASGI middleware holding each request body to its route's limit (:class:`BodyLimits`)."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_body, length = announced_body(scope)
        if not has_body:
            await self.app(scope, receive, send)
            return
        if length is not None and length < 0:
            await refuse(
                BadRequest("Content-Length is not a number", code="bad_content_length"), scope, receive, send
            )
            return
        limit = self.limits.for_route(scope["method"], scope["path"])
        if length is not None and length > limit:
            await refuse(too_large(limit), scope, receive, send)
            return
        received = 0
        exceeded = False
        answered = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if exceeded and not answered:
                return  # whatever the application makes of the cut-off body, the answer is 413
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not answered:
            await refuse(too_large(limit), scope, receive, send)
