"""Writing an event into the outbox, on the session of the change it describes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.outbox.events import EventDraft
from kamld_common.outbox.model import OutboxRecordMixin


def current_trace_id() -> str | None:
    """The W3C trace id of the request being served, so an event links to its trace in Jaeger."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


async def record_event(
    session: AsyncSession,
    model: type[OutboxRecordMixin],
    draft: EventDraft,
    *,
    now: datetime | None = None,
    trace_id: str | None = None,
) -> str:
    """Add ``draft`` to the outbox in ``session``'s transaction and return its event id.

    The event carries the trace id of the request being served; ``trace_id`` is used when none is
    (work a background task does for an earlier request, such as a run the trainer executes).

    Flushed at once, so the row takes its ``seq`` while the producer still holds its lock on the
    artifact (which is what keeps one artifact's events in commit order).
    """
    event_id = str(uuid.uuid4())
    session.add(
        model(  # type: ignore[call-arg]
            event_id=event_id,
            type=draft.type,
            actor=draft.actor,
            subject=draft.subject,
            artifact=draft.artifact,
            before=draft.before,
            after=draft.after,
            data=draft.data,
            trace_id=current_trace_id() or trace_id,
            occurred_at=now or datetime.now(UTC),
        )
    )
    await session.flush()
    return event_id
