"""storage-gateway's ORM models: upload sessions and what each one has uploaded so far.

Content itself lives in the object store; the database only remembers in-flight work, so garbage
collection can protect it and an interrupted upload can resume.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamld_storage_gateway.db import Base

DIGEST_LENGTH = 71  # "blake3:" + 64 hex


class UploadSession(Base):
    """One push in progress (``open``) or done (``committed``, then ``manifest_digest`` is set)."""

    __tablename__ = "upload_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    manifest_digest: Mapped[str | None] = mapped_column(String(DIGEST_LENGTH), nullable=True)
    file_count: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    total_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class UploadChunk(Base):
    """A chunk a session stored: garbage collection leaves it alone while the session is open."""

    __tablename__ = "upload_chunks"
    __table_args__ = (Index("ix_upload_chunks_digest", "digest"),)

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("upload_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)


class UploadFile(Base):
    """A whole file the server chunked for a session; merged into the manifest at commit."""

    __tablename__ = "upload_files"

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("upload_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(4096), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    entry: Mapped[str] = mapped_column(Text, doc="the file's canonical manifest line")


class UploadSplit(Base):
    """A version's files staged in a session by a seeded split (``split-files``): the source
    manifest and the split, from which the commit derives the ``PART/PATH`` entries. Garbage
    collection keeps the source manifest's chunks while the session is open."""

    __tablename__ = "upload_splits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("upload_sessions.id", ondelete="CASCADE"), index=True
    )
    source_digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    test: Mapped[float] = mapped_column(Float)
    val: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(BigInteger)
    exclude: Mapped[str] = mapped_column(Text, doc="the paths left out, a JSON list")
    staged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class PendingChunk(Base):
    """A chunk an upload wrote to the store that no committed manifest names yet: not served.

    A commit clears the chunks its manifest names; garbage collection clears those it deletes.
    Chunks stored before this table existed, or already present when uploaded again, have no row.
    """

    __tablename__ = "pending_chunks"

    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GcHold(Base):
    """A hold on garbage collection (taken by a backup): while one is unexpired, GC deletes nothing."""

    __tablename__ = "gc_holds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
