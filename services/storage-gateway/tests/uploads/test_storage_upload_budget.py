"""The upload memory budget: never more held than its capacity, first come first served, and a
request abandoned while waiting or holding gives its share back."""

from __future__ import annotations

import asyncio
import random

import pytest

from kamld_storage_gateway.admission import ByteBudget


async def test_concurrent_holders_never_exceed_the_capacity_and_all_finish():
    budget = ByteBudget(100)
    rng = random.Random(7)
    peak = 0
    finished = 0

    async def upload(amount: int) -> None:
        nonlocal peak, finished
        async with budget.hold(amount):
            peak = max(peak, budget.held)
            assert budget.held <= budget.capacity
            await asyncio.sleep(rng.random() / 1000)
        finished += 1

    await asyncio.gather(*(upload(rng.randint(1, 100)) for _ in range(300)))
    assert finished == 300
    assert budget.held == 0
    assert peak > 50


async def test_waiters_are_admitted_in_arrival_order():
    budget = ByteBudget(10)
    admitted: list[str] = []
    release = asyncio.Event()

    async def upload(name: str, amount: int) -> None:
        async with budget.hold(amount):
            admitted.append(name)
            await release.wait()

    first = asyncio.create_task(upload("first", 10))
    await asyncio.sleep(0)
    large = asyncio.create_task(upload("large", 8))
    await asyncio.sleep(0)
    small = asyncio.create_task(upload("small", 1))
    await asyncio.sleep(0.01)
    # The small one would fit beside "large" but not beside "first"; it must not overtake "large".
    assert admitted == ["first"]
    release.set()
    await asyncio.gather(first, large, small)
    assert admitted == ["first", "large", "small"]
    assert budget.held == 0


async def test_an_amount_above_the_capacity_is_admitted_alone():
    budget = ByteBudget(10)
    async with budget.hold(50):
        assert budget.held == 10


async def test_a_waiter_cancelled_in_the_queue_lets_the_next_one_in():
    budget = ByteBudget(10)
    holder_release = asyncio.Event()
    admitted: list[str] = []

    async def upload(name: str, amount: int, until: asyncio.Event | None = None) -> None:
        async with budget.hold(amount):
            admitted.append(name)
            if until is not None:
                await until.wait()

    holder = asyncio.create_task(upload("holder", 6, holder_release))
    await asyncio.sleep(0)
    blocked = asyncio.create_task(upload("blocked", 8))
    await asyncio.sleep(0)
    behind = asyncio.create_task(upload("behind", 4))
    await asyncio.sleep(0.01)
    assert admitted == ["holder"]
    blocked.cancel()
    with pytest.raises(asyncio.CancelledError):
        await blocked
    await asyncio.wait_for(behind, 1)
    assert admitted == ["holder", "behind"]
    holder_release.set()
    await holder
    assert budget.held == 0


async def test_a_waiter_cancelled_just_after_its_admission_gives_its_share_back():
    budget = ByteBudget(10)
    release = asyncio.Event()
    waiter: asyncio.Task[None] | None = None

    async def wait_for_share() -> None:
        async with budget.hold(10):
            raise AssertionError("a cancelled request ran")

    async def hold_then_cancel_the_waiter() -> None:
        async with budget.hold(10):
            await release.wait()
        # The share was just granted to the waiter; it is abandoned before it runs.
        assert waiter is not None
        waiter.cancel()

    holder = asyncio.create_task(hold_then_cancel_the_waiter())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(wait_for_share())
    await asyncio.sleep(0)
    release.set()
    await holder
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert budget.held == 0
    async with budget.hold(10):
        assert budget.held == 10


async def test_a_failure_inside_the_hold_gives_the_share_back():
    budget = ByteBudget(10)
    with pytest.raises(RuntimeError):
        async with budget.hold(7):
            raise RuntimeError("body lost")
    assert budget.held == 0
