"""Concurrent identical reads answered by one upstream call that began after all of them arrived.

Many clients resolving the same reference at once (a fleet of training jobs starting on
``model:production``, a dashboard refreshing) would otherwise each cost a metadata-hub call. Here
the first request for a key starts a call; requests for that key arriving while it is in flight
wait together for the *next* call, which starts as soon as the current one ends. Every answer was
therefore read after its request arrived: coalescing never serves a result older than the request,
so it changes the cost of a burst, not what anyone sees. The gateway uses it for version
resolutions and for token lookups (when a remembered token expires under load).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ReadCoalescer(Generic[T]):
    """Groups concurrent reads of one key into successive shared upstream calls."""

    def __init__(self) -> None:
        self._waiting: dict[Hashable, list[asyncio.Future[T]]] = {}
        self._drivers: dict[Hashable, asyncio.Task[None]] = {}
        self.calls = 0

    async def read(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(waiter)
        if key not in self._drivers:
            self._drivers[key] = asyncio.create_task(self._drive(key, fetch))
        return await waiter

    async def _drive(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> None:
        """Run one call per group of waiters until nobody is waiting for this key."""
        try:
            while waiters := self._waiting.pop(key, None):
                self.calls += 1
                try:
                    result = await fetch()
                except asyncio.CancelledError:
                    for waiter in waiters:
                        waiter.cancel()
                    raise
                except Exception as exc:
                    for waiter in waiters:
                        if not waiter.done():
                            waiter.set_exception(exc)
                else:
                    for waiter in waiters:
                        if not waiter.done():
                            waiter.set_result(result)
        finally:
            del self._drivers[key]
            for waiter in self._waiting.pop(key, []):
                waiter.cancel()
