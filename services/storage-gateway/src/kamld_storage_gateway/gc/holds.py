"""Holds on garbage collection: while an unexpired hold exists, GC deletes nothing.

A backup takes a hold before it dumps the databases and lets it go after it has copied the
objects, so every object the dumped catalog references is still there when it is copied. The
hold is a row in storage-gateway's own database, so it works across processes and replicas:

* GC refuses to start a deleting run while a hold exists (409 ``gc_held``), and each deletion
  batch checks again first, under the exclusive write guard and after a write that takes the
  database's write lock, so a batch is either finished before a hold is taken or sees it and
  stops.
* :func:`take_hold` inserts its row under the shared write guard's lock (PostgreSQL: the shared
  advisory lock; SQLite: the database's write lock, which the batch holds), so it waits for a
  batch in flight to end.

A hold expires (``ttl_s``) so a backup that died does not stop GC for ever.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict
from kamld_storage_gateway.gc.guard import LOCK_ID
from kamld_storage_gateway.models import GcHold

DEFAULT_TTL_S = 6 * 3600


class GcHeld(Conflict):
    code = "gc_held"
    title = "Garbage collection is on hold"


def _now() -> datetime:
    return datetime.now(UTC)


async def active_holds(session: AsyncSession, now: datetime | None = None) -> list[GcHold]:
    """The unexpired holds, after deleting the expired ones (a write: it takes the write lock)."""
    now = now or _now()
    await session.execute(delete(GcHold).where(GcHold.expires_at <= now))
    return list((await session.scalars(select(GcHold).where(GcHold.expires_at > now))).all())


async def refuse_if_held(session: AsyncSession, now: datetime | None = None) -> None:
    """Raise :class:`GcHeld` naming the holds when one is unexpired."""
    holds = await active_holds(session, now)
    if holds:
        first = holds[0]
        raise GcHeld(
            f"garbage collection is on hold ({first.reason}, until {first.expires_at:%Y-%m-%d %H:%M} UTC); "
            "try again when it is released",
            extra={"holds": [{"id": hold.id, "reason": hold.reason} for hold in holds]},
        )


async def count_holds(database: Database) -> int:
    async with database.unit_of_work() as session:
        now = _now()
        return int(
            await session.scalar(select(func.count()).select_from(GcHold).where(GcHold.expires_at > now)) or 0
        )


async def take_hold(database: Database, reason: str, ttl_s: float = DEFAULT_TTL_S) -> str:
    """Insert a hold and return its id; waits for a GC deletion batch in flight to finish."""
    now = _now()
    hold = GcHold(
        id=uuid.uuid4().hex, reason=reason[:256], created_at=now, expires_at=now + timedelta(seconds=ttl_s)
    )
    async with database.unit_of_work() as session:
        if not database.is_sqlite:
            await session.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"), {"id": LOCK_ID})
        session.add(hold)
    return hold.id


async def release_hold(database: Database, hold_id: str) -> None:
    async with database.unit_of_work() as session:
        await session.execute(delete(GcHold).where(GcHold.id == hold_id))
