"""Giving freed heap memory back to the system once a burst of requests is over.

glibc keeps what a process frees in its heaps for the next allocation and returns to the system
only the free memory at the very top of each heap. A service that has just moved gigabytes in
pieces of a few hundred KiB ends with free holes all through its heaps: storage-gateway stayed
at 336 MB resident after a 1 GiB push that started at 213 MB, and its next transfer climbed
from there (bench/RESULTS.md). ``malloc_trim(0)`` hands every free
page back; it is called here once requests have stopped for ``idle_s``, never during a transfer,
where the pages given back would only be faulted in again.
"""

from __future__ import annotations

import asyncio
import ctypes
import time
from collections.abc import Callable

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger("kamld.memory")

Release = Callable[[], object]


def malloc_trim() -> Release | None:
    """glibc's ``malloc_trim(0)`` as a callable, or None where the C library has none (musl, macOS)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class RequestActivity:
    """How many HTTP requests are in flight, and whether any ran since memory was last released."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.in_flight = 0
        self.busy_since_release = False
        self.last_end = clock()

    def started(self) -> None:
        self.in_flight += 1
        self.busy_since_release = True

    def ended(self) -> None:
        self.in_flight -= 1
        self.last_end = self.clock()

    def idle_for(self, seconds: float) -> bool:
        """True when requests ran since the last release and none has for ``seconds``."""
        return self.busy_since_release and not self.in_flight and self.clock() - self.last_end >= seconds


class ActivityMiddleware:
    """A pure ASGI middleware counting HTTP requests, streamed answers included, until their end."""

    def __init__(self, app: ASGIApp, activity: RequestActivity) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.ended()


async def release_when_idle(activity: RequestActivity, idle_s: float, release: Release) -> None:
    """Forever: once requests have stopped for ``idle_s``, ``release`` (on a worker thread) once."""
    while True:
        await asyncio.sleep(idle_s / 2)
        if activity.idle_for(idle_s):
            activity.busy_since_release = False
            try:
                await asyncio.to_thread(release)
            except Exception:  # noqa: BLE001 - a failed release costs memory, never the service
                log.warning("memory_release_failed", exc_info=True)
