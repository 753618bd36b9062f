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
    with ``secret``. Every matching event up to ``position`` was handled (delivered or dead); those
    up to ``queued_through`` have a delivery row. ``failures`` counts attempts failed in a row; at
    the dispatcher's threshold the webhook is failing, and ``probe_at`` is when it is tried next."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), nullable=False)
    secret: Mapped[str] = mapped_column(String(128), nullable=False)
    types: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    artifacts: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    position: Mapped[int] = mapped_column(Id, nullable=False)
    queued_through: Mapped[int] = mapped_column(Id, nullable=False, server_default="0")
    failures: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    probe_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class WebhookDelivery(Base):
    """One event for one webhook: ``pending`` while queued or retried, then ``delivered`` or ``dead``.
    ``artifact`` is the event's: a webhook's deliveries of one artifact go out in ``event_id`` order."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False)
    event_id: Mapped[int] = mapped_column(Id, nullable=False)
    event_type: Mapped[str] = mapped_column(String(128), nullable=False)
    artifact: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
        Index("ix_webhook_deliveries_webhook_id_status_event_id", "webhook_id", "status", "event_id"),
    )


class DispatchLease(OutboxLeaseMixin, Base):
    """One dispatcher at a time (several observation-hub replicas), as the outbox relays do."""

    __tablename__ = "webhook_lease"
