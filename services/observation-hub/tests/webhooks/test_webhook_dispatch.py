"""Webhook deliveries to a real HTTP receiver: signed, in order, retried, dead-lettered, logged."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kamld_common.db import Database
from kamld_observation_hub.app import MIGRATIONS
from kamld_observation_hub.events.schemas import EventIn
from kamld_observation_hub.events.service import EventService
from kamld_observation_hub.webhooks.dispatcher import Dispatcher
from kamld_observation_hub.webhooks.schemas import WebhookCreate
from kamld_observation_hub.webhooks.service import WebhookService
from kamld_observation_hub.webhooks.signing import SIGNATURE_HEADER, verify
from kamld_testing.loopback import serving


class Receiver:
    """What a webhook receiver got; answers ``statuses`` in turn (then 200), after ``delay_s``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.delay_s = 0.0
        self.lock = threading.Lock()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(state.delay_s)
            with state.lock:
                status = state.statuses.pop(0) if state.statuses else 200
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
