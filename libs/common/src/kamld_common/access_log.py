"""One JSON access-log line per request: method, route template, status, duration, actor, trace id.

Written by the ``kamld.access`` logger through the service's structured logging, so the line also
carries ``trace_id``/``span_id`` (the request's span is current) and ``service``. It logs the
route template (``/artifacts/{name}``), never the raw path or query string, and no header, so no
secret (token, grant, signed URL) can reach the logs. Probes and scrapes are left out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from prometheus_fastapi_instrumentator.routing import get_route_name
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kamld_common.http import CALLER_HEADER, current_caller

QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

ActorOf = Callable[[Scope], str | None]


def caller_of(scope: Scope) -> str | None:
    """The caller a service was told of (``X-Kamld-Caller`` from the gateway), if any."""
    known = current_caller.get()
    if known:
        return known
    for name, value in scope.get("headers", ()):
        if name.decode("latin-1").lower() == CALLER_HEADER.lower():
            return str(value.decode("latin-1"))[:256]
    return None


def route_of(scope: Scope) -> str:
    """The full template of the route that served the request (router prefixes included, as the
    HTTP metrics name it); ``unmatched`` when none did."""
    if scope.get("route") is None:
        return "unmatched"
    return get_route_name(HTTPConnection(scope), should_include_root_path=True) or "unmatched"


class AccessLogMiddleware:
    """Log every request just before the last part of its answer goes out (or when the client
    went away or the app failed), so a client holding a complete answer finds its line logged."""

    def __init__(self, app: ASGIApp, actor_of: ActorOf = caller_of) -> None:
        self.app = app
        self.actor_of = actor_of
        # Taken here, after the app configured logging (a module-level logger would keep the
        # configuration of the first app of the process).
        self.log = structlog.get_logger("kamld.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in QUIET_PATHS:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        actor: str | None = None
        logged = False

        def write_line() -> None:
            nonlocal logged
            logged = True
            self.log.info(
                "request",
                method=scope["method"],
                route=route_of(scope),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                actor=actor or self.actor_of(scope) or "anonymous",
            )

        async def sending(message: Message) -> None:
            nonlocal status, actor
            if message["type"] == "http.response.start":
                status = message["status"]
                actor = self.actor_of(scope)
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                write_line()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if not logged:
                write_line()
