"""The outbox tables, declared by each producing service on its own declarative base.

    class OutboxRecord(OutboxRecordMixin, Base):
        __tablename__ = "outbox"

    class OutboxLease(OutboxLeaseMixin, Base):
        __tablename__ = "outbox_lease"

and created by one of the service's migrations with :func:`create_outbox_tables`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamld_common.db import UtcDateTime

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the auto-incrementing rowid).
Sequence = BigInteger().with_variant(Integer(), "sqlite")


class OutboxRecordMixin:
    """One event waiting for delivery; ``seq`` grows with insertion, which is delivery order.

    Writers of one artifact are serialised by the producer (a row lock on the artifact), so their
    events' ``seq`` follow commit order. Rows are deleted once observation-hub has them.
    """

    seq: Mapped[int] = mapped_column(Sequence, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    type: Mapped[str] = mapped_column(String(128), nullable=False)
    actor: Mapped[str] = mapped_column(String(256), nullable=False)
    subject: Mapped[str] = mapped_column(String(1024), nullable=False)
    artifact: Mapped[str | None] = mapped_column(String(128), nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class OutboxLeaseMixin:
    """Who relays this service's outbox now: one row, taken over when its lease expires.

    One relay at a time keeps the delivery order; a lease (rather than a database lock held across
    the HTTP call) works on SQLite as on PostgreSQL and survives a relay killed mid-delivery.
    """

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


def create_outbox_tables(op: Any, records: str = "outbox", lease: str = "outbox_lease") -> None:
    """Create both tables from an Alembic migration (``op`` is ``alembic.op``)."""
    op.create_table(
        records,
        sa.Column("seq", Sequence, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(128), nullable=False),
        sa.Column("actor", sa.String(256), nullable=False),
        sa.Column("subject", sa.String(1024), nullable=False),
        sa.Column("artifact", sa.String(128), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=f"pk_{records}"),
        sa.UniqueConstraint("event_id", name=f"uq_{records}_event_id"),
    )
    op.create_table(
        lease,
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=f"pk_{lease}"),
    )
