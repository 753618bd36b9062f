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
