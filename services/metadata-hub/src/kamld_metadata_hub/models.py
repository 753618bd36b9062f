"""metadata-hub's ORM models: artifacts, their versions, lineage edges and aliases with history.

Versions are immutable once written. The ``artifacts.next_number`` column is the per-artifact
counter that numbers versions; every write to an artifact first updates its row, which
serialises writers of one artifact on both SQLite (database write lock) and PostgreSQL (row lock)
and advances its ``generation``, which is what tells a cached view of the artifact from a stale one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kamld_metadata_hub.db import Base

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Artifact(Base):
    __tablename__ = "artifacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    archived_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    next_number: Mapped[int] = mapped_column(Integer, default=1)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (Index("ix_artifacts_kind_name", "kind", "name"),)


class ArtifactLabel(Base):
    __tablename__ = "artifact_labels"

    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))

    __table_args__ = (Index("ix_artifact_labels_key_value", "key", "value"),)


class Version(Base):
    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(71), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument, default=dict)
    file_count: Mapped[int] = mapped_column(BigInteger)
    total_bytes: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("artifact_id", "number", name="uq_versions_artifact_id_number"),)


class VersionParent(Base):
    """A parent edge: ``child`` was made from ``parent`` (both versions of one artifact)."""

    __tablename__ = "version_parents"

    child_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_version_parents_parent_id", "parent_id"),)


class VersionInput(Base):
    """An input edge: ``version`` was made from ``input`` (a version of another artifact) in ``role``."""

    __tablename__ = "version_inputs"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_version_inputs_input_id", "input_id"),)


class Alias(Base):
    __tablename__ = "aliases"

    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(256))


class AliasEvent(Base):
    """One move of an alias: set (from nothing), move, or delete (to nothing)."""

    __tablename__ = "alias_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(63))
    from_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), nullable=True
    )
    to_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), nullable=True
    )
    actor: Mapped[str] = mapped_column(String(256))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why an admin moved the alias past its promotion policy (``actor`` is who); null otherwise."""
    overridden: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument, nullable=True)
    """The policy's refusals the override set aside (``rule``, ``message`` each)."""

    __table_args__ = (Index("ix_alias_events_artifact_id_alias_id", "artifact_id", "alias", "id"),)


class AliasPolicy(Base):
    """The promotion policy of one alias: rules every move of the alias must pass."""

    __tablename__ = "alias_policies"

    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"), primary_key=True)
    alias: Mapped[str] = mapped_column(String(63), primary_key=True)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(256))


class IndexJob(Base):
    """Indexing work for one catalog row, written in the transaction that changed the row.

    A worker claims a job by setting ``lease_until``; a job whose lease ran out (its worker died)
    is claimed again, so nothing is lost across restarts. ``cursor`` is how far a long job got
    (the last file path done), so a retry resumes instead of starting over. Times are seconds
    since the epoch: compared as numbers alike on SQLite and PostgreSQL.
    """

    __tablename__ = "index_jobs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(BigInteger)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[float] = mapped_column(Float)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_index_jobs_run_after", "run_after"),
        Index("ix_index_jobs_kind_target_id", "kind", "target_id"),
    )


class VersionFile(Base):
    """One file of a version's manifest (path, content digest, size), copied from storage-gateway
    by the indexer: what search indexes file paths from, and what recall finds content by."""

    __tablename__ = "version_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    digest: Mapped[str] = mapped_column(String(71))
    size: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_version_files_digest", "digest"),)


class VersionProfile(Base):
    """What one file of a version holds (``kind`` table: schema and statistics), or what all its
    images are (``kind`` images, ``path`` empty): written by the indexer's profile jobs."""

    __tablename__ = "version_profiles"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
