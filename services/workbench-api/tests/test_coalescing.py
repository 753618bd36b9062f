"""Concurrent identical reads share upstream calls, and no answer predates its request."""

from __future__ import annotations

import asyncio

import pytest

from kamld_workbench_api.coalescing import ReadCoalescer


async def settle() -> None:
    """Let every ready task run until all of them wait."""
    for _ in range(5):
        await asyncio.sleep(0)


class Upstream:
    """A fake upstream only in speed: each call returns how many calls had *started* before it."""

    def __init__(self) -> None:
        self.started = 0
        self.release = asyncio.Event()

    async def fetch(self) -> int:
        self.started += 1
        number = self.started
        await self.release.wait()
        return number


async def test_requests_arriving_during_a_call_share_the_next_one():
    upstream, reads = Upstream(), ReadCoalescer[int]()
    first = asyncio.create_task(reads.read("k", upstream.fetch))
    await settle()
    assert upstream.started == 1
    later = [asyncio.create_task(reads.read("k", upstream.fetch)) for _ in range(10)]
    await settle()
    assert upstream.started == 1, "nobody may join a call that began before they arrived"
    upstream.release.set()
    assert await first == 1
    assert await asyncio.gather(*later) == [2] * 10
    assert reads.calls == 2


async def test_different_keys_do_not_wait_for_each_other():
    upstream, reads = Upstream(), ReadCoalescer[int]()
    a = asyncio.create_task(reads.read("a", upstream.fetch))
    b = asyncio.create_task(reads.read("b", upstream.fetch))
    await settle()
    assert upstream.started == 2
    upstream.release.set()
    assert sorted(await asyncio.gather(a, b)) == [1, 2]


async def test_an_error_reaches_every_waiter_of_that_call_and_the_next_call_runs_again():
    reads = ReadCoalescer[int]()
    calls = 0

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise LookupError("no such version")

    results = await asyncio.gather(*(reads.read("k", failing) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(result, LookupError) for result in results)
    assert calls == 1
    with pytest.raises(LookupError):
        await reads.read("k", failing)
    assert calls == 2


async def test_a_cancelled_waiter_does_not_break_the_others():
    upstream, reads = Upstream(), ReadCoalescer[int]()
    first = asyncio.create_task(reads.read("k", upstream.fetch))
    await settle()
    gone = asyncio.create_task(reads.read("k", upstream.fetch))
    stays = asyncio.create_task(reads.read("k", upstream.fetch))
    await settle()
    gone.cancel()
    upstream.release.set()
    assert await first == 1
    assert await stays == 2
    assert gone.cancelled()
