"""Background work one piece at a time: order kept, failures surface, nothing left unawaited."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from kamld_storage_gateway.background import OneAtATime


async def test_pieces_run_one_after_another_and_wait_ends_the_last():
    events: list[str] = []

    async def piece(name: str) -> None:
        events.append(f"{name} start")
        await asyncio.sleep(0.01)
        events.append(f"{name} end")

    pieces = OneAtATime()
    for name in ("a", "b", "c"):
        await pieces.start(piece(name))
    await pieces.wait()
    assert events == ["a start", "a end", "b start", "b end", "c start", "c end"]


async def test_a_failure_surfaces_at_the_next_start_and_the_next_piece_never_runs():
    ran: list[str] = []

    async def failing() -> None:
        raise OSError("disk full")

    async def after() -> None:
        ran.append("after")

    pieces = OneAtATime()
    await pieces.start(failing())
    refused = after()
    with pytest.raises(OSError, match="disk full"):
        await pieces.start(refused)
    # The refused piece is closed, not left as a coroutine that was never awaited.
    assert inspect.getcoroutinestate(refused) == inspect.CORO_CLOSED
    await pieces.wait()
    assert ran == []
