"""Delivering events to webhooks: signed, in feed order, retried with backoff, dead-lettered.

Each webhook is worked through on its own (a slow or failing receiver delays only its own
deliveries, and never a change: producers hand their events to observation-hub through their
outboxes, long before any webhook is called). For one webhook, the next event is sent only once
the one before it was delivered or given up on, so a receiver gets events in feed order, which
keeps each artifact's order. A failed attempt (no answer within the timeout, a non-2xx status)
is retried after an exponential backoff with full jitter; after ``max_attempts`` the delivery is
dead-lettered (``dead`` in the log) and the webhook moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from prometheus_client import Counter
from sqlalchemy import select

from kamld_common.db import Database
from kamld_common.outbox import Lease
from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.events.schemas import Event
from kamld_observation_hub.webhooks.models import DispatchLease, Webhook, WebhookDelivery
from kamld_observation_hub.webhooks.signing import SIGNATURE_HEADER, signature

log = structlog.get_logger("kamld.observation_hub.webhooks")

DELIVERIES = Counter("kamld_webhook_deliveries_total", "Webhook delivery attempts, by outcome", ["outcome"])


class Dispatcher:
    def __init__(
        self,
        database: Database,
        *,
        timeout_s: float = 5.0,
        max_attempts: int = 30,
        base_backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
        poll_s: float = 0.5,
        per_round: int = 200,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.poll_s = poll_s
        self.per_round = per_round
        self.clock = clock
        self.lease = Lease(database, DispatchLease, "dispatcher")
        self.http = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)

    def backoff(self, attempts: int) -> float:
        ceiling = min(self.max_backoff_s, self.base_backoff_s * 2.0 ** (attempts - 1))
        return random.uniform(ceiling / 2, ceiling)

    async def run_once(self) -> int:
        """One round over every webhook; how many deliveries succeeded."""
        async with self.database.unit_of_work() as session:
            ids = list(await session.scalars(select(Webhook.id)))
        if not ids or not await self.lease.take():
            return 0
        done = await asyncio.gather(*(self._advance(webhook_id) for webhook_id in ids))
        return sum(done)

    async def run(self) -> None:
        while True:
            try:
                delivered = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                log.warning("webhook_round_failed", error=str(exc)[:300])
                delivered = 0
            if not delivered:
                await asyncio.sleep(self.poll_s)

    async def _advance(self, webhook_id: int) -> int:
        """Deliver this webhook's next events in order, until one fails or the round's share is done."""
        delivered = 0
        while delivered < self.per_round:
            step = await self._next(webhook_id)
            if step is None:
                return delivered
            hook, event, delivery = step
            ok = await self._attempt(hook, event, delivery)
            if not ok:
                return delivered
            delivered += 1
        return delivered

    async def _next(self, webhook_id: int) -> tuple[Webhook, Event, int] | None:
        """The webhook, its next event and its delivery row (made pending); None when none is due."""
        now = self.clock()
        async with self.database.unit_of_work() as session:
            hook = await session.get(Webhook, webhook_id)
            if hook is None:
                return None
            pending = await session.scalar(
                select(WebhookDelivery).where(
                    WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == "pending"
                )
            )
            if pending is not None:
                due = pending.next_attempt_at
                if due is not None and due > now:
                    return None
                record = await session.get(EventRecord, pending.event_id)
                if record is None:  # removed by retention while it waited
                    pending.status, pending.error, pending.updated_at = "dead", "event no longer kept", now
                    hook.position = max(hook.position, pending.event_id)
                    return None
                return hook, Event.model_validate(record), pending.id
            query = (
                select(EventRecord).where(EventRecord.id > hook.position).order_by(EventRecord.id).limit(1)
            )
            if hook.types:
                query = query.where(EventRecord.type.in_(hook.types))
            if hook.artifacts:
                query = query.where(EventRecord.artifact.in_(hook.artifacts))
            record = await session.scalar(query)
            if record is None:
                return None
            row = WebhookDelivery(
                webhook_id=webhook_id,
                event_id=record.id,
                event_type=record.type,
                status="pending",
                attempts=0,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            session.expunge(hook)
            return hook, Event.model_validate(record), row.id

    async def _attempt(self, hook: Webhook, event: Event, delivery_id: int) -> bool:
        body = event.model_dump_json().encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "kamld-observation-hub-webhooks",
            SIGNATURE_HEADER: signature(hook.secret, int(time.time()), body),
            "X-Kamld-Event-Type": event.type,
            "X-Kamld-Event-Id": event.event_id or str(event.id),
            "X-Kamld-Delivery": str(delivery_id),
        }
        status: int | None = None
        error: str | None = None
        try:
            response = await self.http.post(hook.url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"answered HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        now = self.clock()
        async with self.database.unit_of_work() as session:
            row = await session.get(WebhookDelivery, delivery_id)
            stored = await session.get(Webhook, hook.id)
            if row is None or stored is None:
                return False
            row.attempts += 1
            row.response_status, row.error, row.updated_at = status, error, now
            if error is None:
                row.status, row.next_attempt_at = "delivered", None
                stored.position = max(stored.position, event.id)
                DELIVERIES.labels("delivered").inc()
                return True
            if row.attempts >= self.max_attempts:
                row.status, row.next_attempt_at = "dead", None
                stored.position = max(stored.position, event.id)
                DELIVERIES.labels("dead").inc()
                log.warning("webhook_dead_letter", webhook=hook.id, event_id=event.id, error=error)
                return True
            row.next_attempt_at = now + timedelta(seconds=self.backoff(row.attempts))
            DELIVERIES.labels("failed").inc()
            return False

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.lease.release()
        await self.http.aclose()
