"""Upload sessions in the storage-gateway database (add and flush only; the caller commits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from kamld_storage_gateway.db import Base
from kamld_storage_gateway.models import PendingChunk, UploadChunk, UploadFile, UploadSession, UploadSplit


def _insert(session: AsyncSession, model: type[Base] | Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with the dialect's ON CONFLICT clauses (the same on PostgreSQL and SQLite)."""
    return (pg_insert if _dialect(session) == "postgresql" else sqlite_insert)(model)


def _table(model: type[Base]) -> Table:
    """The model's table: statements on it run as Core executemany, without the ORM's bulk path,
    whose per-row bookkeeping cost more than the database for thousands of chunk rows."""
    return cast(Table, model.__table__)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


PENDING_BATCH = 5_000
"""Digests per statement (SQLite allows 32,766 parameters in one)."""


class UploadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_session(self, upload: UploadSession) -> None:
        self.session.add(upload)
        await self.session.flush()

    async def get_session(self, upload_id: str, *, for_update: bool = False) -> UploadSession | None:
        query = select(UploadSession).where(UploadSession.id == upload_id)
        if for_update and _dialect(self.session) == "postgresql":
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def record_chunks(self, upload_id: str, digests: Iterable[str]) -> None:
        rows = [{"session_id": upload_id, "digest": digest} for digest in sorted(set(digests))]
        if rows:
            # One statement with many parameter sets (executemany), not one statement of many VALUES
            # to compile: a batch of thousands of small chunks is recorded in milliseconds.
            statement = _insert(self.session, _table(UploadChunk)).on_conflict_do_nothing()
            await self.session.execute(statement, rows)

    async def mark_pending(self, digests: Iterable[str], at: datetime) -> None:
        """Chunks just written to the store by an upload: unreadable until a commit names them."""
        rows = [{"digest": digest, "stored_at": at} for digest in sorted(set(digests))]
        if rows:
            statement = _insert(self.session, _table(PendingChunk)).on_conflict_do_nothing()
            await self.session.execute(statement, rows)

    async def clear_pending(self, digests: Iterable[str]) -> None:
        """Chunks a committed manifest names (or that were deleted): no longer pending."""
        wanted = list(digests)
        table = _table(PendingChunk)
        for start in range(0, len(wanted), PENDING_BATCH):
            batch = wanted[start : start + PENDING_BATCH]
            await self.session.execute(delete(table).where(table.c.digest.in_(batch)))

    async def pending_among(self, digests: Iterable[str]) -> set[str]:
        wanted = list(digests)
        found: set[str] = set()
        for start in range(0, len(wanted), PENDING_BATCH):
            query = select(PendingChunk.digest).where(
                PendingChunk.digest.in_(wanted[start : start + PENDING_BATCH])
            )
            found.update((await self.session.execute(query)).scalars())
        return found

    async def put_file(
        self, upload_id: str, path: str, size: int, mode: int, digest: str, entry: str
    ) -> None:
        values = {
            "session_id": upload_id,
            "path": path,
            "size": size,
            "mode": mode,
            "digest": digest,
            "entry": entry,
        }
        statement = _insert(self.session, UploadFile).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["session_id", "path"],
            set_={"size": size, "mode": mode, "digest": digest, "entry": entry},
        )
        await self.session.execute(statement)

    async def add_split(
        self,
        upload_id: str,
        source_digest: str,
        *,
        test: float,
        val: float,
        seed: int,
        exclude: str,
        at: datetime,
    ) -> None:
        self.session.add(
            UploadSplit(
                session_id=upload_id,
                source_digest=source_digest,
                test=test,
                val=val,
                seed=seed,
                exclude=exclude,
                staged_at=at,
            )
        )
        await self.session.flush()

    async def splits(self, upload_id: str) -> list[UploadSplit]:
        query = select(UploadSplit).where(UploadSplit.session_id == upload_id).order_by(UploadSplit.id)
        return list((await self.session.execute(query)).scalars())

    async def iter_file_entries(self, upload_id: str, batch: int = 1000) -> AsyncIterator[str]:
        """Canonical lines of the session's whole-file uploads, in byte order of their paths."""
        path: ColumnElement[str] | InstrumentedAttribute[str] = UploadFile.path
        if _dialect(self.session) == "postgresql":
            path = path.collate("C")
        after: str | None = None
        while True:
            query = select(UploadFile.path, UploadFile.entry).where(UploadFile.session_id == upload_id)
            if after is not None:
                query = query.where(path > after)
            rows = (await self.session.execute(query.order_by(path).limit(batch))).all()
            for row in rows:
                yield row.entry
            if len(rows) < batch:
                return
            after = rows[-1].path

    async def mark_committed(
        self, upload_id: str, *, digest: str, file_count: int, total_bytes: int, at: datetime
    ) -> None:
        await self.session.execute(
            update(UploadSession)
            .where(UploadSession.id == upload_id)
            .values(
                state="committed",
                manifest_digest=digest,
                file_count=file_count,
                total_bytes=total_bytes,
                committed_at=at,
            )
        )

    # Garbage collection's view: what open sessions protect.

    async def protected_manifests(self, now: datetime) -> list[str]:
        """Manifests committed by open sessions, and the sources of splits staged in them."""
        query = select(UploadSession.manifest_digest).where(
            UploadSession.expires_at > now, UploadSession.manifest_digest.is_not(None)
        )
        digests = [digest for digest in (await self.session.execute(query)).scalars() if digest is not None]
        sources = (
            select(UploadSplit.source_digest)
            .join(UploadSession, UploadSession.id == UploadSplit.session_id)
            .where(UploadSession.expires_at > now)
            .distinct()
        )
        return digests + list((await self.session.execute(sources)).scalars())

    async def manifests_committed_since(self, since: datetime) -> list[str]:
        """Manifests committed, and split sources staged, at or after ``since``."""
        query = select(UploadSession.manifest_digest).where(
            UploadSession.committed_at >= since, UploadSession.manifest_digest.is_not(None)
        )
        digests = [digest for digest in (await self.session.execute(query)).scalars() if digest is not None]
        sources = select(UploadSplit.source_digest).where(UploadSplit.staged_at >= since).distinct()
        return digests + list((await self.session.execute(sources)).scalars())

    async def iter_protected_chunks(self, now: datetime, batch: int = 10_000) -> AsyncIterator[str]:
        after = ""
        while True:
            query = (
                select(UploadChunk.digest)
                .join(UploadSession, UploadSession.id == UploadChunk.session_id)
                .where(UploadSession.expires_at > now, UploadChunk.digest > after)
                .distinct()
                .order_by(UploadChunk.digest)
                .limit(batch)
            )
            digests = list((await self.session.execute(query)).scalars())
            for digest in digests:
                yield digest
            if len(digests) < batch:
                return
            after = digests[-1]

    async def protected_among(self, digests: Iterable[str], now: datetime) -> set[str]:
        wanted = list(digests)
        query = (
            select(UploadChunk.digest)
            .join(UploadSession, UploadSession.id == UploadChunk.session_id)
            .where(UploadSession.expires_at > now, UploadChunk.digest.in_(wanted))
        )
        return set((await self.session.execute(query)).scalars())

    async def delete_expired(self, now: datetime) -> int:
        statement = delete(UploadSession).where(UploadSession.expires_at <= now)
        result = cast(CursorResult[Any], await self.session.execute(statement))
        return result.rowcount or 0
