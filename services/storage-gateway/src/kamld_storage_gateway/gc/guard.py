"""Keeps garbage collection's deletions from interleaving with writes that add references.

Writers (a chunk upload recording itself in its session, a commit checking its chunks and
writing its root) hold the guard shared; each deletion batch of the sweep holds it exclusive
and re-reads what the database protects first. On PostgreSQL the guard is a transaction-level
advisory lock, so it works across replicas; the embedded SQLite deployment is one process, so an
in-process read/write lock is enough there.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiorwlock
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database

LOCK_ID = zlib.crc32(b"kamld-storage-gateway:gc") & 0x7FFFFFFF


class WriteGuard:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._local = aiorwlock.RWLock()

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that the sweep cannot interleave with; committed before the guard is let go."""
        if self.database.is_sqlite:
            async with self._local.reader_lock, self.database.unit_of_work() as session:
                yield session
        else:
            async with self.database.unit_of_work() as session:
                await session.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"), {"id": LOCK_ID})
                yield session

    @asynccontextmanager
    async def sweeping(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that excludes every writer."""
        if self.database.is_sqlite:
            async with self._local.writer_lock, self.database.unit_of_work() as session:
                yield session
        else:
            async with self.database.unit_of_work() as session:
                await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
                yield session
