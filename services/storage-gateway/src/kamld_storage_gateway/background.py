"""Work a request starts and awaits later, so its event loop goes on with the next step meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


def start(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Run ``work`` as a task; a failure nobody awaits any more (the request failed first) is read."""
    task = asyncio.create_task(work)
    task.add_done_callback(_read_outcome)
    return task


def _read_outcome(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


class OneAtATime:
    """Background work of one kind, one piece in flight: the next starts once the one before ended.

    What it holds in memory stays bounded, and a failure surfaces at the next :meth:`start` or
    :meth:`wait`.
    """

    def __init__(self) -> None:
        self._running: asyncio.Task[None] | None = None

    async def start(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await self.wait()
        except BaseException:
            work.close()
            raise
        self._running = start(work)

    async def wait(self) -> None:
        if self._running is not None:
            task, self._running = self._running, None
            await task
