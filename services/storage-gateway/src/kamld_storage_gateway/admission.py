"""How many bytes of upload bodies storage-gateway holds in memory at once, across all clients.

A chunk batch is verified whole before any of it is stored, so the gateway holds each batch it
is receiving. One client holds at most its sending threads' batches (8 x 16 MiB for ``kamld
push``), but nothing bounded several clients together: two pushes at once held twice as much.
Every upload now waits for its share of one budget before its body is read; clients beyond the
budget are slowed down (their bodies wait in the network), never refused.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import Counter, Gauge

HELD_BYTES = Gauge(
    "kamld_storage_upload_bytes_held",
    "Bytes of upload bodies admitted and not yet released (at most the upload memory budget).",
)
ADMISSION_WAITS = Counter(
    "kamld_storage_upload_admission_waits_total",
    "Uploads that waited for the upload memory budget before their body was read.",
)


class ByteBudget:
    """A weighted semaphore in bytes, admitting waiters in arrival order.

    Arrival order keeps a large batch from waiting forever behind a stream of small ones. An
    amount larger than the whole budget is admitted alone (it is held to the budget).
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("the budget must be positive")
        self.capacity = capacity
        self.held = 0
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def hold(self, amount: int) -> AsyncIterator[None]:
        """Hold ``amount`` bytes of the budget for the body of the ``with`` block."""
        amount = max(0, min(amount, self.capacity))
        if not self._waiters and self.held + amount <= self.capacity:
            self._take(amount)
        else:
            await self._wait(amount)
        try:
            yield
        finally:
            self._give(amount)

    async def _wait(self, amount: int) -> None:
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((amount, admitted))
        ADMISSION_WAITS.inc()
        try:
            await admitted
        except asyncio.CancelledError:
            if admitted.done() and not admitted.cancelled():
                # Admitted just as the request was abandoned: the share was taken for it.
                self._give(amount)
            elif (amount, admitted) in self._waiters:
                self._waiters.remove((amount, admitted))
                self._admit_waiting()
            raise

    def _take(self, amount: int) -> None:
        self.held += amount
        HELD_BYTES.set(self.held)

    def _give(self, amount: int) -> None:
        self.held -= amount
        HELD_BYTES.set(self.held)
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        while self._waiters:
            amount, admitted = self._waiters[0]
            if admitted.cancelled():
                # Its request was cancelled and has not yet run to take itself off the queue.
                self._waiters.popleft()
                continue
            if self.held + amount > self.capacity:
                return
            self._waiters.popleft()
            self._take(amount)
            admitted.set_result(None)
