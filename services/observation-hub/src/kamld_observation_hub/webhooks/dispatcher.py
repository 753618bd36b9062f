"""Delivering events to webhooks: signed, in each artifact's order, retried, dead-lettered.

Each webhook is worked through on its own (a slow or failing receiver delays only its own
deliveries, and never a change: producers hand their events to observation-hub through their
outboxes, long before any webhook is called). A webhook's matching events are queued as
``pending`` delivery rows in feed order; those of one artifact form a lane (events of no
artifact form one lane of their own). A lane's next event is sent only once the one before it
was delivered or dead-lettered, so a receiver gets each artifact's events in order; different
lanes are sent concurrently, at most ``concurrency`` requests at a time per webhook, over
kept-alive connections. Outcomes are written in batches; a delivery whose outcome was not
written yet (observation-hub stopped) is sent again: delivery is at least once.

The retry schedule is :class:`RetrySchedule`: a failed attempt is retried after an exponential
backoff with jitter, capped; after ``failing_after`` failed attempts in a row the webhook is
failing, and only its oldest undelivered event is tried, once per probe interval (with jitter);
the first success resumes every lane at once. Every attempt, probes included, counts toward a
delivery's ``max_attempts``, after which it is dead-lettered (``dead`` in the log) and its lane
moves on.

Between passes the dispatcher sleeps until the next attempt is due, woken early when events are
recorded (and looking for events recorded by other replicas every ``poll_s``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog
from prometheus_client import Counter
from sqlalchemy import bindparam, func, insert, select, update

from kamld_common.db import Database
from kamld_common.outbox import Lease
from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.events.schemas import Event
from kamld_observation_hub.webhooks.models import DispatchLease, Webhook, WebhookDelivery
from kamld_observation_hub.webhooks.signing import SIGNATURE_HEADER, signature

log = structlog.get_logger("kamld.observation_hub.webhooks")

DELIVERIES = Counter("kamld_webhook_deliveries_total", "Webhook delivery attempts, by outcome", ["outcome"])

DELIVERY_TABLE: Any = WebhookDelivery.__table__
# Outcomes are written at least this often while a backlog drains.
FLUSH_EVERY = 100


@dataclass(frozen=True)
class RetrySchedule:
    """When a failed delivery is tried again.

    While a webhook has failed fewer than ``failing_after`` attempts in a row, a delivery that
    failed its ``n``-th attempt waits a random time between half and all of
    ``min(max_backoff_s, base_backoff_s * 2 ** (n - 1))``. From then on the webhook is failing:
    one probe per ``probe_interval_s`` (give or take a fifth, at random), until one succeeds.
    """

    base_backoff_s: float = 0.5
    max_backoff_s: float = 10.0
    failing_after: int = 5
    probe_interval_s: float = 5.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff(self, attempts: int) -> float:
        ceiling = min(self.max_backoff_s, self.base_backoff_s * 2.0 ** max(0, attempts - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    def probe_delay(self) -> float:
        return self.rng.uniform(self.probe_interval_s * 0.8, self.probe_interval_s * 1.2)

    def failing(self, failures_in_a_row: int) -> bool:
        return failures_in_a_row >= self.failing_after

    def retry_delay(self, attempts: int, failures_in_a_row: int) -> float:
        """Seconds until the next try of a delivery that has failed ``attempts`` times, on a webhook
        whose last ``failures_in_a_row`` attempts (this one included) all failed."""
        if self.failing(failures_in_a_row):
            return self.probe_delay()
        return self.backoff(attempts)


@dataclass
class _Delivery:
    id: int
    event_id: int
    attempts: int
    next_attempt_at: datetime | None
    event: Event | None


@dataclass
class _Pass:
    """One webhook's pass: what its lanes did, not yet written."""

    webhook_id: int
    url: str
    secret: str
    failures: int
    probing: bool
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    probe_at: datetime | None = None
    resumed: bool = False
    stop: bool = False
    progressed: bool = False
    scanned: bool = False
    later: list[datetime] = field(default_factory=list)
    flushing: asyncio.Lock = field(default_factory=asyncio.Lock)


class Dispatcher:
    def __init__(
        self,
        database: Database,
        *,
        timeout_s: float = 5.0,
        max_attempts: int = 30,
        base_backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
        failing_after: int = 5,
        probe_interval_s: float = 5.0,
        concurrency: int = 8,
        window: int = 500,
        poll_s: float = 0.5,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.schedule = RetrySchedule(base_backoff_s, max_backoff_s, failing_after, probe_interval_s)
        self.concurrency = concurrency
        self.window = window
        self.poll_s = poll_s
        self.clock = clock
        self.lease = Lease(database, DispatchLease, "dispatcher")
        self.http = httpx.AsyncClient(
            timeout=timeout_s,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=200),
        )
        # Per webhook: when its next pass is due (monotonic seconds), and whether newly recorded
        # events make it due sooner. A webhook not in here is looked at in the next pass.
        self._due: dict[int, tuple[float, bool]] = {}
        self._wakeup: asyncio.Event | None = None
        self._running: dict[int, asyncio.Task[None]] = {}

    def backoff(self, attempts: int) -> float:
        return self.schedule.backoff(attempts)

    def wake(self) -> None:
        """New events were recorded: look for them now rather than at the next poll."""
        if self._wakeup is not None:
            self._wakeup.set()

    async def _due_now(self) -> list[int]:
        """The webhooks whose pass is due and not running, with the lease taken (none without it)."""
        async with self.database.unit_of_work() as session:
            hooks = (await session.execute(select(Webhook.id, Webhook.queued_through))).all()
            newest = await session.scalar(select(func.max(EventRecord.id))) or 0
        now = time.monotonic()
        present = {row.id for row in hooks}
        for gone in set(self._due) - present:
            del self._due[gone]
        due = []
        for row in hooks:
            when, hungry = self._due.get(row.id, (now, True))
            if row.id not in self._running and (when <= now or (hungry and row.queued_through < newest)):
                due.append(row.id)
        if due and not await self.lease.take():
            self._due.clear()  # another replica dispatches; look again at the next poll
            return []
        return due

    def _next_wait(self) -> float | None:
        waits = [when for when, _ in self._due.values() if when < math.inf]
        return max(0.0, min(waits) - time.monotonic()) if waits else None

    async def run_once(self) -> float | None:
        """One pass over the webhooks with work due, awaited; seconds until the next one is due
        (None: none is, until new events are recorded)."""
        due = await self._due_now()
        results = await asyncio.gather(*(self._pass(webhook_id) for webhook_id in due))
        for webhook_id, result in zip(due, results, strict=True):
            self._due[webhook_id] = result
        return self._next_wait()

    async def _run_pass(self, webhook_id: int) -> None:
        """One webhook's pass on its own: a slow receiver holds up no other webhook's."""
        try:
            when, hungry = await self._pass(webhook_id)
        except Exception as exc:  # noqa: BLE001 - its next pass tries again
            log.warning("webhook_pass_failed", webhook=webhook_id, error=str(exc)[:300])
            when, hungry = time.monotonic() + self.poll_s, True
        finally:
            self._running.pop(webhook_id, None)
        self._due[webhook_id] = (when, hungry)
        if when <= time.monotonic():
            self.wake()

    async def run(self) -> None:
        self._wakeup = asyncio.Event()
        try:
            while True:
                wait: float | None
                try:
                    for webhook_id in await self._due_now():
                        self._running[webhook_id] = asyncio.create_task(self._run_pass(webhook_id))
                    wait = self._next_wait()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the next round tries again
                    log.warning("webhook_round_failed", error=str(exc)[:300])
                    wait = self.poll_s
                if wait is None or wait > self.poll_s:
                    wait = self.poll_s
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), wait)
                self._wakeup.clear()
        finally:
            for task in list(self._running.values()):
                task.cancel()
            for task in list(self._running.values()):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def _monotonic(self, moment: datetime) -> float:
        return time.monotonic() + (moment - self.clock()).total_seconds()

    async def _pass(self, webhook_id: int) -> tuple[float, bool]:
        """Queue the webhook's new events and send what is due; when its next pass is due."""
        now = self.clock()
        async with self.database.unit_of_work() as session:
            hook = await session.get(Webhook, webhook_id)
            if hook is None:
                return math.inf, False
            probing = self.schedule.failing(hook.failures)
            if probing and hook.probe_at is not None and hook.probe_at > now:
                return self._monotonic(hook.probe_at), False
            limit = 1 if probing else self.window
            scanned = not probing  # a failing webhook's queue grows once it is back
            if scanned:
                await self._queue(session, hook)
            rows = await self._pending(session, webhook_id, limit)
            if not rows and probing:
                scanned = True
                await self._queue(session, hook)
                rows = await self._pending(session, webhook_id, limit)
            state = _Pass(webhook_id, hook.url, hook.secret, hook.failures, probing, probe_at=hook.probe_at)
            state.scanned = scanned
            lanes: dict[str | None, list[_Delivery]] = {}
            for delivery, record in rows:
                lanes.setdefault(delivery.artifact, []).append(
                    _Delivery(
                        delivery.id,
                        delivery.event_id,
                        delivery.attempts,
                        delivery.next_attempt_at,
                        Event.model_validate(record) if record is not None else None,
                    )
                )
        if rows:
            gate = asyncio.Semaphore(self.concurrency)
            await asyncio.gather(*(self._lane(state, lane, gate, now) for lane in lanes.values()))
        await self._flush(state, final=True)
        if state.stop and state.probe_at is not None and self.schedule.failing(state.failures):
            return self._monotonic(state.probe_at), False
        if state.resumed or (len(rows) == limit and state.progressed):
            return time.monotonic(), True
        if state.later:
            return self._monotonic(min(state.later)), True
        return math.inf, True

    async def _pending(self, session: Any, webhook_id: int, limit: int) -> list[Any]:
        """The webhook's oldest ``limit`` pending deliveries, each with its event (None if removed)."""
        query = (
            select(WebhookDelivery, EventRecord)
            .outerjoin(EventRecord, EventRecord.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == "pending")
            .order_by(WebhookDelivery.event_id)
            .limit(limit)
        )
        return list((await session.execute(query)).all())

    async def _queue(self, session: Any, hook: Webhook) -> None:
        """Pending delivery rows for the webhook's events after ``queued_through``, up to the window."""
        pending = await session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
        )
        room = self.window - int(pending or 0)
        if room <= 0:
            return
        newest = await session.scalar(select(func.max(EventRecord.id))) or 0
        if newest <= hook.queued_through:
            return
        query = (
            select(EventRecord.id, EventRecord.type, EventRecord.artifact)
            .where(EventRecord.id > hook.queued_through)
            .order_by(EventRecord.id)
            .limit(room)
        )
        if hook.types:
            query = query.where(EventRecord.type.in_(hook.types))
        if hook.artifacts:
            query = query.where(EventRecord.artifact.in_(hook.artifacts))
        events = (await session.execute(query)).all()
        now = self.clock()
        if events:
            await session.execute(
                insert(WebhookDelivery),
                [
                    {
                        "webhook_id": hook.id,
                        "event_id": event.id,
                        "event_type": event.type,
                        "artifact": event.artifact,
                        "status": "pending",
                        "attempts": 0,
                        "updated_at": now,
                    }
                    for event in events
                ],
            )
        # Feed ids are handed out in commit order: nothing at or below ``newest`` can appear later.
        last = events[-1].id if events else 0
        hook.queued_through = last if len(events) == room else max(last, newest)

    async def _lane(
        self, state: _Pass, lane: list[_Delivery], gate: asyncio.Semaphore, started: datetime
    ) -> None:
        """Send one lane's deliveries in order, until one fails, is not due yet, or the pass stops."""
        for delivery in lane:
            if state.stop:
                return
            due = delivery.next_attempt_at
            if not state.probing and not state.resumed and due is not None and due > started:
                state.later.append(due)
                return
            if delivery.event is None:  # removed by retention while it waited
                self._outcome(state, delivery, "dead", None, "event no longer kept")
                continue
            async with gate:
                if state.stop:
                    return
                status, error = await self._post(state, delivery)
            now = self.clock()
            delivery.attempts += 1
            if error is None:
                if self.schedule.failing(state.failures):
                    state.resumed = True
                    log.info("webhook_resumed", webhook=state.webhook_id, after_failures=state.failures)
                state.failures, state.probe_at, state.progressed = 0, None, True
                self._outcome(state, delivery, "delivered", status, None)
                DELIVERIES.labels("delivered").inc()
            else:
                state.failures += 1
                failing = self.schedule.failing(state.failures)
                retry_at = now + timedelta(
                    seconds=self.schedule.retry_delay(delivery.attempts, state.failures)
                )
                if delivery.attempts >= self.max_attempts:
                    self._outcome(state, delivery, "dead", status, error)
                    DELIVERIES.labels("dead").inc()
                    state.progressed = True
                    log.warning(
                        "webhook_dead_letter",
                        webhook=state.webhook_id,
                        event_id=delivery.event_id,
                        error=error,
                    )
                else:
                    DELIVERIES.labels("failed").inc()
                    self._outcome(state, delivery, "pending", status, error, retry_at)
                if failing:
                    if not state.stop and not state.probing:
                        log.warning("webhook_failing", webhook=state.webhook_id, failures=state.failures)
                    state.stop, state.probe_at = True, retry_at
                    return
                if delivery.attempts < self.max_attempts:
                    state.later.append(retry_at)
                    return
            if len(state.outcomes) >= FLUSH_EVERY:
                await self._flush(state)

    def _outcome(
        self,
        state: _Pass,
        delivery: _Delivery,
        status: str,
        response_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None = None,
    ) -> None:
        state.outcomes.append(
            {
                "b_id": delivery.id,
                "status": status,
                "attempts": delivery.attempts,
                "response_status": response_status,
                "error": error,
                "next_attempt_at": next_attempt_at,
                "updated_at": self.clock(),
            }
        )

    async def _post(self, state: _Pass, delivery: _Delivery) -> tuple[int | None, str | None]:
        assert delivery.event is not None
        event = delivery.event
        body = event.model_dump_json().encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "kamld-observation-hub-webhooks",
            SIGNATURE_HEADER: signature(state.secret, int(time.time()), body),
            "X-Kamld-Event-Type": event.type,
            "X-Kamld-Event-Id": event.event_id or str(event.id),
            "X-Kamld-Delivery": str(delivery.id),
        }
        try:
            response = await self.http.post(state.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {str(exc)[:200]}"
        if not 200 <= response.status_code < 300:
            return response.status_code, f"answered HTTP {response.status_code}"
        return response.status_code, None

    async def _flush(self, state: _Pass, final: bool = False) -> None:
        """Write the pass's outcomes so far and the webhook's state; renew the lease."""
        async with state.flushing:
            outcomes, state.outcomes = state.outcomes, []
            async with self.database.unit_of_work() as session:
                if outcomes:
                    await session.execute(
                        update(DELIVERY_TABLE)
                        .where(DELIVERY_TABLE.c.id == bindparam("b_id"))
                        .values(
                            status=bindparam("status"),
                            attempts=bindparam("attempts"),
                            response_status=bindparam("response_status"),
                            error=bindparam("error"),
                            next_attempt_at=bindparam("next_attempt_at"),
                            updated_at=bindparam("updated_at"),
                        ),
                        outcomes,
                    )
                hook = await session.get(Webhook, state.webhook_id)
                if hook is None:
                    state.stop = True
                    return
                hook.failures, hook.probe_at = state.failures, state.probe_at
                if state.resumed:  # the receiver is back: every lane is due now
                    await session.execute(
                        update(WebhookDelivery)
                        .where(
                            WebhookDelivery.webhook_id == state.webhook_id,
                            WebhookDelivery.status == "pending",
                            WebhookDelivery.next_attempt_at.is_not(None),
                        )
                        .values(next_attempt_at=None)
                    )
                if state.progressed or state.scanned:  # the position may have moved
                    oldest = await session.scalar(
                        select(func.min(WebhookDelivery.event_id)).where(
                            WebhookDelivery.webhook_id == state.webhook_id,
                            WebhookDelivery.status == "pending",
                        )
                    )
                    handled = hook.queued_through if oldest is None else oldest - 1
                    hook.position = max(hook.position, handled)
            if not final and not await self.lease.take():
                state.stop = True  # another replica took over

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.lease.release()
        await self.http.aclose()
