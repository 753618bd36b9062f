"""Webhook deliveries to a real HTTP receiver: signed, in order, retried, dead-lettered, logged."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kamld_common.db import Database
from kamld_observation_hub.app import MIGRATIONS
from kamld_observation_hub.events.schemas import EventIn
from kamld_observation_hub.events.service import EventService
from kamld_observation_hub.webhooks.dispatcher import Dispatcher, RetrySchedule
from kamld_observation_hub.webhooks.schemas import WebhookCreate
from kamld_observation_hub.webhooks.service import WebhookService
from kamld_observation_hub.webhooks.signing import SIGNATURE_HEADER, verify
from kamld_testing.loopback import serving


class Receiver:
    """What a webhook receiver got; answers ``statuses`` in turn (then 200), after ``delay_s``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.down = False  # while set, every request is answered 503
        self.delay_s = 0.0
        self.requests = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.requests += 1
                state.in_flight += 1
                state.most_in_flight = max(state.most_in_flight, state.in_flight)
            time.sleep(state.delay_s)
            with state.lock:
                state.in_flight -= 1
                status = 503 if state.down else state.statuses.pop(0) if state.statuses else 200
                if status == 200:
                    state.received.append((dict(self.headers), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield state, url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, MIGRATIONS)
    await db.migrate()
    yield db
    await db.dispose()


async def record(database: Database, artifact: str, n: int) -> None:
    await EventService(database).record(
        EventIn(type="alias.set", actor="ann", subject=f"{artifact}@prod", artifact=artifact, after={"n": n})
    )


async def drain(dispatcher: Dispatcher, done: Callable[[], bool], rounds: int = 100) -> None:
    """Dispatch rounds until ``done()`` (or ``rounds`` ran out), leaving backoffs time to pass."""
    for _ in range(rounds):
        await dispatcher.run_once()
        if done():
            return
        await asyncio.sleep(0.02)


def dispatcher(database: Database, **overrides: float) -> Dispatcher:
    options = {
        "base_backoff_s": 0.01,
        "max_backoff_s": 0.02,
        "max_attempts": 4,
        "timeout_s": 1.0,
        **overrides,
    }
    return Dispatcher(database, **options)  # type: ignore[arg-type]


async def test_deliveries_are_signed_filtered_and_in_order_through_failures(database, receiver) -> None:
    state, url = receiver
    hooks = WebhookService(database)
    hook = await hooks.create(WebhookCreate(url=url, types=["alias.set"], artifacts=["faces"]), "admin")
    state.statuses = [500, 500]  # the receiver fails twice, then recovers
    for n in range(5):
        await record(database, "faces", n)
        await record(database, "cars", n)
    sender = dispatcher(database)
    await drain(sender, lambda: len(state.received) >= 5)
    await drain(sender, lambda: False, rounds=3)  # nothing more arrives
    await sender.aclose()
    bodies = [json.loads(body) for _, body in state.received]
    assert [body["after"]["n"] for body in bodies] == [0, 1, 2, 3, 4]
    assert {body["artifact"] for body in bodies} == {"faces"}
    now = int(time.time())
    for headers, body in state.received:
        assert verify(hook.secret, headers[SIGNATURE_HEADER], body, now)
        assert not verify("whsec_wrong", headers[SIGNATURE_HEADER], body, now)
        assert not verify(hook.secret, headers[SIGNATURE_HEADER], body + b" ", now)
    log = await hooks.deliveries(hook.id, None, None, 50)
    assert [d.status for d in log.items] == ["delivered"] * 5
    assert log.items[-1].attempts == 3 and log.items[0].attempts == 1


async def test_a_receiver_that_never_succeeds_is_dead_lettered_and_the_webhook_moves_on(
    database, receiver
) -> None:
    state, url = receiver
    hooks = WebhookService(database)
    hook = await hooks.create(WebhookCreate(url=url), "admin")
    state.statuses = [500] * 4  # exactly max_attempts failures for the first event
    await record(database, "faces", 0)
    await record(database, "faces", 1)
    sender = dispatcher(database)
    await drain(sender, lambda: len(state.received) >= 1)
    await sender.aclose()
    assert [json.loads(body)["after"]["n"] for _, body in state.received] == [1]
    dead = await hooks.deliveries(hook.id, "dead", None, 10)
    assert len(dead.items) == 1 and dead.items[0].attempts == 4 and dead.items[0].response_status == 500


async def test_a_slow_receiver_times_out_and_is_retried(database, receiver) -> None:
    state, url = receiver
    hooks = WebhookService(database)
    hook = await hooks.create(WebhookCreate(url=url), "admin")
    state.delay_s = 0.5
    await record(database, "faces", 0)
    sender = dispatcher(database, timeout_s=0.2, max_attempts=50)
    await sender.run_once()
    pending = await hooks.deliveries(hook.id, "pending", None, 10)
    assert pending.items and "Timeout" in (pending.items[0].error or "")
    state.delay_s = 0.0
    await drain(sender, lambda: len(state.received) >= 1)
    await sender.aclose()
    assert len(state.received) >= 1
    assert (await hooks.deliveries(hook.id, "delivered", None, 10)).items


async def test_bad_subscriptions_are_refused(database) -> None:
    from pydantic import ValidationError

    for bad in (
        {"url": "ftp://x"},
        {"url": "http://x", "types": ["nope"]},
        {"url": "http://x", "artifacts": ["A!"]},
    ):
        with pytest.raises(ValidationError):
            WebhookCreate(**bad)


def test_the_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    schedule = RetrySchedule(base_backoff_s=0.5, max_backoff_s=10.0, rng=random.Random(7))
    for attempts in range(1, 40):
        ceiling = min(10.0, 0.5 * 2 ** (attempts - 1))
        delays = [schedule.retry_delay(attempts, failures_in_a_row=1) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays), (attempts, delays)
        assert len(set(delays)) > 1  # jittered: retries of many deliveries do not fall together
    assert max(schedule.backoff(1000) for _ in range(100)) <= 10.0


def test_a_webhook_failing_too_often_in_a_row_is_probed_at_a_fixed_interval() -> None:
    schedule = RetrySchedule(
        base_backoff_s=0.5, max_backoff_s=60.0, failing_after=5, probe_interval_s=5.0, rng=random.Random(3)
    )
    assert not schedule.failing(4) and schedule.failing(5) and schedule.failing(500)
    assert schedule.retry_delay(4, failures_in_a_row=4) <= 4.0  # the 4th attempt's own backoff
    for attempts in (1, 5, 12, 29):  # however often the probed delivery itself failed
        probes = [schedule.retry_delay(attempts, failures_in_a_row=5 + attempts) for _ in range(50)]
        assert all(4.0 <= delay <= 6.0 for delay in probes), probes
        assert len(set(probes)) > 1


async def test_a_failing_webhook_is_only_probed_then_drains_every_lane_in_order(database, receiver) -> None:
    state, url = receiver
    hooks = WebhookService(database)
    hook = await hooks.create(WebhookCreate(url=url), "admin")
    state.down = True
    for n in range(3):
        for artifact in ("a", "b", "c"):
            await record(database, artifact, n)
    sender = dispatcher(database, failing_after=3, probe_interval_s=0.05, max_attempts=1000)

    async def attempts() -> list[int]:
        log = await hooks.deliveries(hook.id, None, None, 50)
        return [d.attempts for d in sorted(log.items, key=lambda d: d.event_id)]

    await sender.run_once()  # each lane's first event fails: three failures in a row
    assert await attempts() == [1, 1, 1] + [0] * 6
    for _ in range(200):
        await asyncio.sleep(0.02)
        await sender.run_once()
        if (await attempts())[0] >= 6:
            break
    tried = await attempts()
    # Failing: only the oldest undelivered event was tried again (the probe), no other lane's.
    assert tried[0] >= 6 and tried[1:] == [1, 1] + [0] * 6, tried
    state.down = False
    await drain(sender, lambda: len(state.received) >= 9, rounds=200)
    await sender.aclose()
    bodies = [json.loads(body) for _, body in state.received]
    for artifact in ("a", "b", "c"):
        assert [b["after"]["n"] for b in bodies if b["artifact"] == artifact] == [0, 1, 2]
    log = await hooks.deliveries(hook.id, None, None, 50)
    assert {d.status for d in log.items} == {"delivered"} and len(log.items) == 9
    (listed,) = [h for h in await hooks.list() if h.id == hook.id]
    assert listed.position == max(d.event_id for d in log.items)  # every event up to it handled


async def test_lanes_of_different_artifacts_are_sent_concurrently_within_the_bound(
    database, receiver
) -> None:
    state, url = receiver
    hooks = WebhookService(database)
    await hooks.create(WebhookCreate(url=url, artifacts=["a", "b", "c", "d"]), "admin")
    state.delay_s = 0.05
    for n in range(5):
        for artifact in ("a", "b", "c", "d", "other"):
            await record(database, artifact, n)
    sender = dispatcher(database, concurrency=2)
    await drain(sender, lambda: len(state.received) >= 20)
    await sender.aclose()
    bodies = [json.loads(body) for _, body in state.received]
    assert len(bodies) == 20 and "other" not in {b["artifact"] for b in bodies}
    for artifact in ("a", "b", "c", "d"):
        assert [b["after"]["n"] for b in bodies if b["artifact"] == artifact] == list(range(5))
    assert state.most_in_flight == 2


async def test_the_running_dispatcher_delivers_to_a_healthy_webhook_while_another_hangs(
    database, receiver
) -> None:
    """Each webhook's pass runs on its own: one whose receiver never answers (each attempt waits
    for the timeout) does not hold up another's deliveries."""
    import socket

    state, url = receiver
    hooks = WebhookService(database)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(100)  # accepts connections and never answers
    try:
        await hooks.create(WebhookCreate(url=f"http://127.0.0.1:{silent.getsockname()[1]}/"), "admin")
        await hooks.create(WebhookCreate(url=url), "admin")
        sender = dispatcher(database, timeout_s=30.0, poll_s=0.05)
        running = asyncio.create_task(sender.run())
        try:
            for n in range(6):
                await record(database, f"a{n % 2}", n)
                sender.wake()
            for _ in range(500):
                if len(state.received) >= 6:
                    break
                await asyncio.sleep(0.02)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await sender.aclose()
    finally:
        silent.close()
    bodies = [json.loads(body) for _, body in state.received]
    assert sorted(b["after"]["n"] for b in bodies) == list(range(6))
    for artifact in ("a0", "a1"):
        ns = [b["after"]["n"] for b in bodies if b["artifact"] == artifact]
        assert ns == sorted(ns)
