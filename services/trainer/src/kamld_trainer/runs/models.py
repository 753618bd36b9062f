"""The ``runs`` table, the input versions of each run, and the metrics runs log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamld_common.db import UtcDateTime
from kamld_trainer.db import Base

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the auto-incrementing rowid).
RunSeq = BigInteger().with_variant(Integer(), "sqlite")


class RunRecord(Base):
    """A run as stored; ``seq`` orders runs by creation, ``id`` is the public name.

    ``artifact`` is the output artifact; ``command`` the entrypoint of a code run (empty for a recipe).
    ``trace_id`` is the trace of the request that queued it (its events carry it when the executor,
    serving no request, changes its status); ``cancelled_by`` who asked a running run to stop.
    """

    __tablename__ = "runs"

    seq: Mapped[int] = mapped_column(RunSeq, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    artifact: Mapped[str] = mapped_column(String(128), nullable=False)
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    command: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    recipe: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    resources: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    executor: Mapped[str] = mapped_column(String(16), nullable=False, default="local")
    creator: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    output_version: Mapped[str | None] = mapped_column(String(140), nullable=True)
    bytes_downloaded: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    logged_params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    final_metrics: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    retry_of: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    command_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        Index("ix_runs_status_seq", "status", "seq"),
        Index("ix_runs_artifact_seq", "artifact", "seq"),
        Index("ix_runs_creator_seq", "creator", "seq"),
    )


class RunInputRecord(Base):
    """One input version of a run, so runs can be listed by what they read."""

    __tablename__ = "run_inputs"

    seq: Mapped[int] = mapped_column(RunSeq, primary_key=True, autoincrement=True)
    run_seq: Mapped[int] = mapped_column(RunSeq, nullable=False)
    artifact: Mapped[str] = mapped_column(String(128), nullable=False)
    ref: Mapped[str] = mapped_column(String(140), nullable=False)

    __table_args__ = (
        Index("ix_run_inputs_artifact_run_seq", "artifact", "run_seq"),
        Index("ix_run_inputs_ref_run_seq", "ref", "run_seq"),
    )


class MetricRecord(Base):
    """One value of one metric at one step of a run."""

    __tablename__ = "run_metrics"

    seq: Mapped[int] = mapped_column(RunSeq, primary_key=True, autoincrement=True)
    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    step: Mapped[int] = mapped_column(BigInteger, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_run_metrics_run_id_key_step", "run_id", "key", "step"),)
