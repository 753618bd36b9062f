"""The ``events`` table: one append-only row per recorded event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamld_common.db import UtcDateTime
from kamld_observation_hub.db import Base

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the auto-incrementing rowid).
EventId = BigInteger().with_variant(Integer(), "sqlite")


class EventRecord(Base):
    """An event as stored; ``id`` grows with recording order, which is the feed's order.

    ``event_id`` is the producer's id: an event delivered twice is stored once.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    event_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    type: Mapped[str] = mapped_column(String(128), nullable=False)
    actor: Mapped[str] = mapped_column(String(256), nullable=False)
    subject: Mapped[str] = mapped_column(String(1024), nullable=False)
    artifact: Mapped[str | None] = mapped_column(String(128), nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_events_type_id", "type", "id"),
        Index("ix_events_subject_id", "subject", "id"),
        Index("ix_events_artifact_id", "artifact", "id"),
        Index("ix_events_actor_id", "actor", "id"),
        Index("ix_events_recorded_at", "recorded_at"),
    )
