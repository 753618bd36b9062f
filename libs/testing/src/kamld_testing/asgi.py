"""A service's app in-process, for tests that need no real socket: lifespan run, HTTP over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from starlette.applications import Starlette


@asynccontextmanager
async def asgi_client(
    app: Starlette, base_url: str, *, raise_app_exceptions: bool = True, **client_options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app``'s lifespan (migrations, clients) and yield an HTTP client talking to it.

    Each ``async with`` is a fresh start, like a process restart on the same settings.
    ``raise_app_exceptions=False`` turns an unhandled error into the 500 a real server sends.
    """
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url=base_url, **client_options) as client:
            yield client
