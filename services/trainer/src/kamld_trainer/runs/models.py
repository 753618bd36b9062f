"""The ``runs`` table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamld_common.db import UtcDateTime
from kamld_trainer.db import Base

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the auto-incrementing rowid).
RunSeq = BigInteger().with_variant(Integer(), "sqlite")


class RunRecord(Base):
    """A run as stored; ``seq`` orders runs by creation, ``id`` is the public name."""

    __tablename__ = "runs"

    seq: Mapped[int] = mapped_column(RunSeq, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    artifact: Mapped[str] = mapped_column(String(128), nullable=False)
    inputs: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    command: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_runs_status_seq", "status", "seq"),
        Index("ix_runs_artifact_seq", "artifact", "seq"),
    )
