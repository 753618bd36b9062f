"""storage-gateway's side of the activity feed: its outbox tables and the GC event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.outbox import EventDraft, OutboxLeaseMixin, OutboxRecordMixin, record_event
from kamld_storage_gateway.db import Base


class OutboxRecord(OutboxRecordMixin, Base):
    __tablename__ = "outbox"


class OutboxLease(OutboxLeaseMixin, Base):
    __tablename__ = "outbox_lease"


async def emit(session: AsyncSession, draft: EventDraft) -> None:
    """Record ``draft`` in this transaction's outbox."""
    await record_event(session, OutboxRecord, draft)


def gc_completed(objects: int, freed: int, marked: int, actor: str) -> EventDraft:
    return EventDraft(
        type="gc.completed",
        actor=actor,
        subject="storage",
        data={"objects_deleted": objects, "bytes_reclaimed": freed, "objects_kept": marked},
    )
