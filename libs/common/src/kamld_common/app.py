"""The FastAPI application factory every service builds on.

It wires what all services share (logging, tracing, metrics, problem+json errors, health,
caller identity, the internal token) so a service's ``create_app()`` only adds its own routers,
readiness checks and start-up work.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from kamld_common import health
from kamld_common.access_log import AccessLogMiddleware, ActorOf, caller_of
from kamld_common.db import Database
from kamld_common.errors import KamldError, Unauthorized, install_error_handlers, problem_response
from kamld_common.http import CALLER_HEADER, INTERNAL_TOKEN_HEADER, current_caller
from kamld_common.logging import configure_logging
from kamld_common.memory import ActivityMiddleware, RequestActivity, malloc_trim, release_when_idle
from kamld_common.openapi import StatusRule, default_error_statuses, install_openapi, operation_id
from kamld_common.request_paths import PathCheckMiddleware
from kamld_common.settings import ServiceSettings
from kamld_common.telemetry import instrument_app, shutdown_tracing
from kamld_common.workers import end_with_parent

Hook = Callable[[FastAPI], Awaitable[None]]
Admit = Callable[[str, str, Headers], bool]
"""``admit(method, path, headers)``: True lets a request in without the internal token (a transfer
grant, say); it raises a :class:`KamldError` to refuse one whose credential is bad."""

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc"})


def create_service_app(
    *,
    settings: ServiceSettings,
    version: str,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    on_startup: Iterable[Hook] = (),
    on_shutdown: Iterable[Hook] = (),
    public: bool = False,
    database: Database | None = None,
    admit: Admit | None = None,
    error_statuses: StatusRule | None = None,
    actor_of: ActorOf = caller_of,
) -> FastAPI:
    """Build a service app; ``public`` apps skip the internal-token check (they authenticate users).

    ``admit`` lets some requests in on another credential than the internal token (see :data:`Admit`).

    A service with a ``database`` gets it migrated before its own start-up hooks run, checked by
    ``/readyz``, disposed after its shutdown hooks, and available as ``app.state.database``.

    Its OpenAPI document names operations verbNoun and declares every error as problem+json:
    ``error_statuses(route, method)`` says which statuses (default: those the shared plumbing sends,
    and 401 for the internal token). ``actor_of(scope)`` names the caller in the access log.
    A path with a trailing slash is a 404, never a redirect: a
    redirect would have to name a host, and the request's ``Host`` header is not to be trusted.
    """
    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    end_with_parent()
    startup, shutdown = list(on_startup), list(on_shutdown)
    if database is not None:
        startup.insert(0, _open_database(database))
        shutdown.insert(0, _close_database(database))

    release = malloc_trim() if settings.memory_release_idle_s > 0 else None
    activity = RequestActivity() if release is not None else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in startup:
            await hook(app)
        releaser = None
        if activity is not None and release is not None:
            releaser = asyncio.create_task(
                release_when_idle(activity, settings.memory_release_idle_s, release)
            )
        try:
            yield
        finally:
            if releaser is not None:
                releaser.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await releaser
            for hook in reversed(shutdown):
                await hook(app)
            shutdown_tracing()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.service_info = {"service": settings.service_name, "version": version}
    app.state.readiness = {}
    app.state.database = database

    install_error_handlers(app)
    app.include_router(health.router)
    for router in routers:
        app.include_router(router)

    app.add_middleware(PathCheckMiddleware)
    app.add_middleware(
        IdentityMiddleware, internal_token=None if public else settings.internal_token, admit=admit
    )
    if activity is not None:
        app.add_middleware(ActivityMiddleware, activity=activity)
    if not public:
        install_openapi(
            app,
            error_statuses or _internal_error_statuses,
            token_header=INTERNAL_TOKEN_HEADER if settings.internal_token else None,
            open_paths=OPEN_PATHS,
        )
    log_access(app, actor_of)
    instrument_app(app, settings.service_name, version)
    return app


def log_access(app: FastAPI, actor_of: ActorOf) -> None:
    """Put the access log around every middleware of the app (the stack is built on the first
    request, so middleware added later is inside), just within Starlette's outermost
    ``ServerErrorMiddleware``. Tracing, installed after, expects that middleware outermost and wraps
    what it holds, so the request's span is current when the log line is written."""
    build = app.build_middleware_stack

    def build_with_access_log() -> ASGIApp:
        stack = build()
        if isinstance(stack, ServerErrorMiddleware):
            stack.app = AccessLogMiddleware(stack.app, actor_of)
            return stack
        return AccessLogMiddleware(stack, actor_of)

    app.build_middleware_stack = build_with_access_log  # type: ignore[method-assign]


def _internal_error_statuses(route: APIRoute, method: str) -> set[int]:
    return default_error_statuses(route, method) | {401}


def _open_database(database: Database) -> Hook:
    async def open_database(app: FastAPI) -> None:
        await database.migrate()
        add_readiness_check(app, "database", database.ping)

    return open_database


def _close_database(database: Database) -> Hook:
    async def close_database(app: FastAPI) -> None:
        await database.dispose()

    return close_database


class IdentityMiddleware:
    """Refuse calls without the internal token and expose the caller's identity to the handlers.

    A pure ASGI middleware: unlike ``@app.middleware("http")`` it adds no task, stream or request
    object per call, which matters on the gateway's hot paths. A request ``admit`` lets in needs no
    internal token, and its caller header is not believed (it comes from outside the platform).
    """

    def __init__(self, app: ASGIApp, internal_token: str | None, admit: Admit | None = None) -> None:
        self.app = app
        self.internal_token = internal_token.encode() if internal_token else None
        self.admit = admit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = scope["path"]
        try:
            admitted = self.admit is not None and self.admit(scope["method"], path, headers)
        except KamldError as error:
            await problem_response(error, path)(scope, receive, send)
            return
        if self.internal_token and not admitted and path not in OPEN_PATHS:
            offered = headers.get(INTERNAL_TOKEN_HEADER, "")
            if not hmac.compare_digest(offered.encode(), self.internal_token):
                refusal = problem_response(
                    Unauthorized("missing or wrong internal token", code="internal_token_required"), path
                )
                await refusal(scope, receive, send)
                return
        token = current_caller.set(None if admitted else headers.get(CALLER_HEADER))
        try:
            await self.app(scope, receive, send)
        finally:
            current_caller.reset(token)


def add_readiness_check(app: FastAPI, name: str, check: Callable[[], Awaitable[None]]) -> None:
    """Register a dependency that ``/readyz`` must find answering."""
    app.state.readiness[name] = check
