"""The transactional outbox on a real database (SQLite, and PostgreSQL when it answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kamld_common.db import NAMING_CONVENTION, Database
from kamld_common.outbox import (
    EventDraft,
    OutboxLeaseMixin,
    OutboxRecordMixin,
    OutboxRelay,
    check_event_type,
    record_event,
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Thing(Base):
    __tablename__ = "things"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)


class Outbox(OutboxRecordMixin, Base):
    __tablename__ = "outbox"


class Lease(OutboxLeaseMixin, Base):
    __tablename__ = "outbox_lease"


class CollectingSink:
    """An EventSink that keeps what it accepts, refusing the next ``fail`` deliveries."""

    def __init__(self, fail: int = 0) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.attempts = 0
        self.fail = fail

    async def deliver(self, events: Sequence[dict[str, Any]]) -> None:
        self.attempts += 1
        if self.fail > 0:
            self.fail -= 1
            raise ConnectionError("receiver down")
        self.accepted.extend(events)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield db
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
    await db.dispose()


def draft(artifact: str, n: int) -> EventDraft:
    return EventDraft(
        type="alias.set", actor="ann", subject=f"{artifact}@prod", artifact=artifact, after={"n": n}
    )


async def change(database: Database, artifact: str, n: int, *, fail: bool = False) -> None:
    async with database.unit_of_work() as session:
        session.add(Thing(name=f"{artifact}-{n}"))
        await record_event(session, Outbox, draft(artifact, n))
        if fail:
            raise RuntimeError("the change fails after its event was written")


async def outbox_size(database: Database) -> int:
    async with database.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(Outbox)) or 0)


async def test_an_event_commits_with_its_change_or_not_at_all(database: Database) -> None:
    await change(database, "faces", 1)
    with pytest.raises(RuntimeError):
        await change(database, "faces", 2, fail=True)
    assert await outbox_size(database) == 1


async def test_the_relay_delivers_in_commit_order_and_empties_the_outbox(database: Database) -> None:
    for n in range(7):
        await change(database, "faces" if n % 2 else "cars", n)
    sink = CollectingSink()
    relay = OutboxRelay(database, Outbox, Lease, sink, source="test", batch_size=3)
    while await relay.run_once():
        pass
    assert [event["after"]["n"] for event in sink.accepted] == list(range(7))
    assert len({event["id"] for event in sink.accepted}) == 7
    assert {event["source"] for event in sink.accepted} == {"test"}
    assert await outbox_size(database) == 0
    assert await relay.backlog() == (0, 0.0)


async def test_a_failed_delivery_keeps_the_batch_and_retries_it_whole(database: Database) -> None:
    for n in range(4):
        await change(database, "faces", n)
    sink = CollectingSink(fail=2)
    relay = OutboxRelay(database, Outbox, Lease, sink, source="test")
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await relay.run_once()
        assert (await relay.backlog())[0] == 4
    assert await relay.run_once() == 4
    assert [event["after"]["n"] for event in sink.accepted] == [0, 1, 2, 3]


async def test_one_relay_at_a_time_and_a_dead_ones_lease_is_taken_over(database: Database) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    clock = lambda: now[0]  # noqa: E731
    first_sink, second_sink = CollectingSink(), CollectingSink()
    first = OutboxRelay(database, Outbox, Lease, first_sink, source="a", lease_s=30, clock=clock)
    second = OutboxRelay(database, Outbox, Lease, second_sink, source="b", lease_s=30, clock=clock)
    await change(database, "faces", 1)
    assert await first.run_once() == 1
    await change(database, "faces", 2)
    assert await second.run_once() == 0, "the first relay still holds the lease"
    now[0] += timedelta(seconds=31)  # the first relay died: its lease ran out
    assert await second.run_once() == 1
    await change(database, "faces", 3)
    assert await first.run_once() == 0
    assert [e["after"]["n"] for e in first_sink.accepted + second_sink.accepted] == [1, 2]


async def test_a_released_lease_is_free_at_once(database: Database) -> None:
    first = OutboxRelay(database, Outbox, Lease, CollectingSink(), source="a")
    second = OutboxRelay(database, Outbox, Lease, CollectingSink(), source="b")
    await change(database, "faces", 1)
    assert await first.run_once() == 1
    await first.release()
    await change(database, "faces", 2)
    assert await second.run_once() == 1


def test_backoff_grows_exponentially_up_to_the_cap_with_jitter(database_url: str) -> None:
    relay = OutboxRelay(
        Database(database_url), Outbox, Lease, CollectingSink(), source="t", poll_s=0.5, max_backoff_s=8
    )
    delays = [relay.backoff(n) for n in range(1, 10)]
    assert all(0.5 <= d <= 8 for d in delays)
    assert delays[0] <= 1.0 and delays[-1] >= 4.0
    assert relay.backoff(3) >= 2.0 and relay.backoff(3) <= 4.0


def test_unknown_event_types_are_refused() -> None:
    assert check_event_type("version.committed") == "version.committed"
    with pytest.raises(ValueError, match="unknown event type"):
        EventDraft(type="version.created", actor="ann", subject="x")


async def test_an_event_carries_the_requests_trace_else_the_one_it_is_given(database: Database) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    given = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with database.unit_of_work() as session:
        await record_event(session, Outbox, draft("faces", 1), trace_id=given)  # no request: the given one
        with TracerProvider().get_tracer("test").start_as_current_span("request") as span:
            await record_event(session, Outbox, draft("faces", 2), trace_id=given)
            served = format(span.get_span_context().trace_id, "032x")
    async with database.unit_of_work() as session:
        traces = (await session.scalars(select(Outbox.trace_id).order_by(Outbox.seq))).all()
    assert traces == [given, served] and served != given
