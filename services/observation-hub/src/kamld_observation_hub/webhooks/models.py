"""Webhook subscriptions, their delivery log, and the dispatcher's lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamld_common.db import UtcDateTime
from kamld_common.outbox import OutboxLeaseMixin
from kamld_observation_hub.db import Base

Id = BigInteger().with_variant(Integer(), "sqlite")


class Webhook(Base):
    """A subscription: events of ``types`` about ``artifacts`` (empty: all) go to ``url``, signed
    with ``secret``; ``position`` is the feed id of the last event handled (delivered or dead)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), nullable=False)
    secret: Mapped[str] = mapped_column(String(128), nullable=False)
    types: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    artifacts: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    position: Mapped[int] = mapped_column(Id, nullable=False)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class WebhookDelivery(Base):
    """One event for one webhook: ``pending`` while it is retried, then ``delivered`` or ``dead``."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False)
    event_id: Mapped[int] = mapped_column(Id, nullable=False)
    event_type: Mapped[str] = mapped_column(String(128), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),)


class DispatchLease(OutboxLeaseMixin, Base):
    """One dispatcher at a time (several observation-hub replicas), as the outbox relays do."""

    __tablename__ = "webhook_lease"
