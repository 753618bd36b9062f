"""Delivering the outbox: at least once, oldest first, one relay per service at a time.

Each cycle the relay looks for waiting events (a read), takes or renews the lease (a conditional
update, atomic on SQLite and PostgreSQL), hands the oldest batch to the sink and deletes it only
once the sink has accepted it. A failed delivery is retried whole, after an exponential backoff
with jitter, so a batch is never delivered in part or out of order; a relay killed between
delivery and delete delivers the batch again, which observation-hub ignores by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from fastapi import FastAPI
from prometheus_client import Counter, Gauge
from pydantic import Field
from sqlalchemy import delete, func, select

from kamld_common.db import Database
from kamld_common.http import ServiceClient
from kamld_common.outbox.lease import Lease
from kamld_common.outbox.model import OutboxLeaseMixin, OutboxRecordMixin
from kamld_common.settings import ServiceSettings

log = structlog.get_logger("kamld.outbox")

LEASE_NAME = "relay"

# No service label of their own: the scrape's target labels say which service a sample is from.
BACKLOG = Gauge(
    "kamld_outbox_backlog",
    "Events committed but not yet delivered to observation-hub",
    multiprocess_mode="max",
)
OLDEST_AGE = Gauge(
    "kamld_outbox_oldest_age_seconds",
    "Age of the oldest event waiting for delivery (0 when none waits)",
    multiprocess_mode="max",
)
DELIVERED = Counter("kamld_outbox_delivered_total", "Events delivered to observation-hub")
FAILURES = Counter("kamld_outbox_delivery_failures_total", "Failed attempts to deliver a batch of events")


class OutboxSettings(ServiceSettings):
    """Settings of a service that produces events (its own ``env_prefix`` applies)."""

    observation_hub_url: str = Field("http://127.0.0.1:8084", description="Base URL of observation-hub")
    outbox_batch_size: int = Field(500, ge=1, le=5000, description="Events delivered per request at most")
    outbox_poll_s: float = Field(0.25, gt=0, description="How often the outbox is checked for new events")
    outbox_max_backoff_s: float = Field(
        30.0, gt=0, description="Longest wait between two failed deliveries (exponential, with jitter)"
    )


class EventSink(Protocol):
    """Where the relay delivers: accepts a batch whole, or raises."""

    async def deliver(self, events: Sequence[dict[str, Any]]) -> None: ...


class HttpEventSink:
    """observation-hub's ``POST /events/batch`` (idempotent by event id)."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def deliver(self, events: Sequence[dict[str, Any]]) -> None:
        await self.client.request("POST", "/events/batch", json={"events": list(events)}, retry=False)


def as_event(row: OutboxRecordMixin, source: str) -> dict[str, Any]:
    """The wire form of an outbox row (observation-hub's ``EventIn``)."""
    return {
        "id": row.event_id,
        "type": row.type,
        "actor": row.actor,
        "subject": row.subject,
        "artifact": row.artifact,
        "before": row.before,
        "after": row.after,
        "data": row.data,
        "trace_id": row.trace_id,
        "occurred_at": _aware(row.occurred_at).isoformat(),
        "source": source,
    }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OutboxRelay:
    """Moves one service's outbox to a sink; :meth:`run` loops until cancelled."""

    def __init__(
        self,
        database: Database,
        records: type[OutboxRecordMixin],
        lease: type[OutboxLeaseMixin],
        sink: EventSink,
        *,
        source: str,
        batch_size: int = 500,
        poll_s: float = 0.25,
        max_backoff_s: float = 30.0,
        lease_s: float = 30.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.records = records
        self.lease = Lease(database, lease, LEASE_NAME, ttl_s=lease_s, clock=clock)
        self.sink = sink
        self.source = source
        self.batch_size = batch_size
        self.poll_s = poll_s
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Check the outbox now rather than at the next poll (after a commit that added events)."""
        self._wake.set()

    async def backlog(self) -> tuple[int, float]:
        """Events waiting and the age in seconds of the oldest of them."""
        records: Any = self.records
        async with self.database.unit_of_work() as session:
            count, oldest = (await session.execute(select(func.count(), func.min(records.occurred_at)))).one()
        age = (self.clock() - _aware(oldest)).total_seconds() if oldest is not None else 0.0
        return int(count), max(age, 0.0)

    async def release(self) -> None:
        """Give the lease up (on shutdown), so another relay need not wait for it to expire."""
        await self.lease.release()

    async def run_once(self) -> int:
        """Deliver the oldest batch if this relay holds (or can take) the lease; how many were delivered."""
        records: Any = self.records
        async with self.database.unit_of_work() as session:
            waiting = await session.scalar(select(records.seq).order_by(records.seq).limit(1))
        if waiting is None or not await self.lease.take():
            return 0
        async with self.database.unit_of_work() as session:
            rows = (await session.scalars(select(records).order_by(records.seq).limit(self.batch_size))).all()
        if not rows:
            return 0
        await self.sink.deliver([as_event(row, self.source) for row in rows])
        async with self.database.unit_of_work() as session:
            await session.execute(delete(records).where(records.seq.in_([row.seq for row in rows])))
        DELIVERED.inc(len(rows))
        return len(rows)

    async def run(self) -> None:
        """Deliver until cancelled; failures are logged, counted and retried with backoff."""
        failures = 0
        while True:
            try:
                delivered = await self.run_once()
                count, age = await self.backlog()
                BACKLOG.set(count)
                OLDEST_AGE.set(age)
                failures = 0
                if delivered == self.batch_size:
                    continue
                delay = self.poll_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure is retried; the loop must survive it
                failures += 1
                FAILURES.inc()
                delay = self.backoff(failures)
                log.warning(
                    "outbox_delivery_failed", error=str(exc)[:300], attempt=failures, retry_in_s=delay
                )
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    def backoff(self, failures: int) -> float:
        """Exponential from the poll interval, capped, with full jitter between half and the whole."""
        ceiling = min(self.max_backoff_s, self.poll_s * 2.0**failures)
        return ceiling * (0.5 + random.random() / 2)


Hook = Callable[[FastAPI], Awaitable[None]]


def install_outbox(
    settings: OutboxSettings,
    database: Database,
    records: type[OutboxRecordMixin],
    lease: type[OutboxLeaseMixin],
    version: str,
) -> tuple[Hook, Hook]:
    """Start and stop hooks for ``create_service_app`` that run the relay as ``app.state.outbox``."""
    tasks: list[asyncio.Task[None]] = []

    async def start(app: FastAPI) -> None:
        client = ServiceClient(
            settings.observation_hub_url,
            service="observation-hub",
            user_agent=f"kamld-{settings.service_name}/{version}",
            timeout=settings.request_timeout_s,
            internal_token=settings.internal_token,
        )
        relay = OutboxRelay(
            database,
            records,
            lease,
            HttpEventSink(client),
            source=settings.service_name,
            batch_size=settings.outbox_batch_size,
            poll_s=settings.outbox_poll_s,
            max_backoff_s=settings.outbox_max_backoff_s,
        )
        app.state.outbox = relay
        app.state.outbox_client = client
        tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))

    async def stop(app: FastAPI) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        relay: OutboxRelay | None = getattr(app.state, "outbox", None)
        if relay is not None:
            with contextlib.suppress(Exception):
                await relay.release()
        client: ServiceClient | None = getattr(app.state, "outbox_client", None)
        if client is not None:
            await client.aclose()

    return start, stop
