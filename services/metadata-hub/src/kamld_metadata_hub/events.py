"""The catalog's side of the activity feed: its outbox tables and the events its changes record.

Each change calls :func:`emit` on the session of its own transaction (after it holds the
artifact's lock), so the event commits with the change or not at all; the relay
(:mod:`kamld_common.outbox`) delivers it to observation-hub.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.outbox import EventDraft, OutboxLeaseMixin, OutboxRecordMixin, record_event
from kamld_metadata_hub.db import Base
from kamld_metadata_hub.references import version_ref

if TYPE_CHECKING:
    from kamld_metadata_hub.aliases.repository import Override


class OutboxRecord(OutboxRecordMixin, Base):
    __tablename__ = "outbox"


class OutboxLease(OutboxLeaseMixin, Base):
    __tablename__ = "outbox_lease"


Emit = Callable[[AsyncSession, EventDraft], Awaitable[None]]


async def emit(session: AsyncSession, draft: EventDraft) -> None:
    """Record ``draft`` in this transaction's outbox."""
    await record_event(session, OutboxRecord, draft)


def artifact_created(
    name: str, kind: str, description: str, labels: Mapping[str, str], actor: str
) -> EventDraft:
    return EventDraft(
        type="artifact.created",
        actor=actor,
        subject=name,
        artifact=name,
        after={"kind": kind, "description": description, "labels": dict(labels)},
    )


def artifact_edited(name: str, before: dict[str, Any], after: dict[str, Any], actor: str) -> EventDraft:
    return EventDraft(
        type="artifact.edited", actor=actor, subject=name, artifact=name, before=before, after=after
    )


def artifact_archived(name: str, archived: bool, actor: str) -> EventDraft:
    return EventDraft(
        type="artifact.archived" if archived else "artifact.unarchived",
        actor=actor,
        subject=name,
        artifact=name,
        before={"archived": not archived},
        after={"archived": archived},
    )


def version_committed(
    name: str,
    number: int,
    digest: str,
    parents: list[int],
    previous_latest: int | None,
    actor: str,
    message: str,
) -> EventDraft:
    return EventDraft(
        type="version.committed",
        actor=actor,
        subject=version_ref(name, number),
        artifact=name,
        before={"latest": version_ref(name, previous_latest) if previous_latest else None},
        after={"latest": version_ref(name, number), "digest": digest},
        data={"parents": [version_ref(name, parent) for parent in parents], "message": message[:1000]},
    )


def alias_moved(
    name: str,
    alias: str,
    before: int | None,
    after: int | None,
    actor: str,
    override: Override | None = None,
) -> EventDraft:
    return EventDraft(
        type="alias.set" if after is not None else "alias.removed",
        actor=actor,
        subject=f"{name}@{alias}",
        artifact=name,
        before={"alias": alias, "version": version_ref(name, before) if before else None},
        after={"alias": alias, "version": version_ref(name, after)} if after is not None else None,
        data=override.recorded() if override is not None else {},
    )
