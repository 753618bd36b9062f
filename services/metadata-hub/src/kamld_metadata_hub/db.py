"""metadata-hub's tables live on this base (its own schema; no other service reads it).

:func:`in_transaction` runs one unit of work and re-runs it when the database reports a
transient conflict between concurrent writers: SQLite's "database is locked", PostgreSQL
serialization failures and deadlocks, and a unique key raced by a concurrent insert.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from kamld_common.db import NAMING_CONVENTION, Database
from kamld_common.errors import Conflict, Unavailable


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


T = TypeVar("T")

log = structlog.get_logger("kamld.metadata_hub.db")

TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
MAX_ATTEMPTS = 8


def _is_transient(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return sqlstate in TRANSIENT_SQLSTATES


async def in_transaction(database: Database, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction, retrying it from scratch on transient write conflicts."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with database.unit_of_work() as session:
                return await work(session)
        except IntegrityError as exc:
            if attempt == MAX_ATTEMPTS:
                raise Conflict(
                    "a concurrent change conflicted with this one; retry", code="write_conflict"
                ) from exc
            log.info("transaction_retry", reason="integrity", attempt=attempt)
        except DBAPIError as exc:
            if not _is_transient(exc):
                raise
            if attempt == MAX_ATTEMPTS:
                raise Unavailable("the database is busy; retry", code="database_busy") from exc
            log.info("transaction_retry", reason="transient", attempt=attempt)
        await asyncio.sleep(0.01 * (2 ** min(attempt, 6)) * (0.5 + random.random()))
    raise AssertionError("unreachable")
