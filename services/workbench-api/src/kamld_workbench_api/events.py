"""The gateway's side of the activity feed: its outbox tables and the events it records.

Token changes and, when read audit is on, reads of versions are recorded here, on the session of
the change (token events) or in a transaction of their own (reads change nothing to commit with).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.outbox import EventDraft, OutboxLeaseMixin, OutboxRecordMixin, record_event
from kamld_workbench_api.db import Base


class OutboxRecord(OutboxRecordMixin, Base):
    __tablename__ = "outbox"


class OutboxLease(OutboxLeaseMixin, Base):
    __tablename__ = "outbox_lease"


async def emit(session: AsyncSession, draft: EventDraft) -> None:
    """Record ``draft`` in this transaction's outbox."""
    await record_event(session, OutboxRecord, draft)


def token_created(name: str, role: str, actor: str) -> EventDraft:
    return EventDraft(
        type="token.created", actor=actor, subject=f"token:{name}", after={"name": name, "role": role}
    )


def token_revoked(name: str, role: str, actor: str) -> EventDraft:
    return EventDraft(
        type="token.revoked", actor=actor, subject=f"token:{name}", before={"name": name, "role": role}
    )


def version_read(artifact: str, ref: str, actor: str, what: str) -> EventDraft:
    return EventDraft(
        type="version.read", actor=actor, subject=f"{artifact}:{ref}", artifact=artifact, data={"read": what}
    )
