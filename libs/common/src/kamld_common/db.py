"""Async SQLAlchemy 2 plumbing: engine, unit of work and Alembic migrations applied at start.

SQLite (``sqlite+aiosqlite``) is the embedded default; PostgreSQL (``postgresql+asyncpg``) is
the scale-out engine. Migrations on PostgreSQL run under an advisory lock, so several replicas
starting together apply them exactly once.

Every service runs its database work one way:

- The service layer (no HTTP) opens each unit of work with ``async with
  database.unit_of_work() as session:``, builds its repositories on that session and returns
  plain results. The unit commits when the block succeeds and rolls back when it raises, so a
  handler's answer is sent only after its writes are committed.
- Repositories only ``add``, ``flush`` and query; they never commit, roll back or open sessions.
- Work that concurrent writers may conflict on is run whole again by a retrying wrapper around
  :meth:`Database.unit_of_work` (metadata-hub's ``in_transaction``), never retried half-way.

Units are kept short: a service holds no transaction open across object-store I/O or a client's
upload, and a request-scoped session (a FastAPI dependency) is not used, since it would keep the
transaction open for the whole request and, with the default scope, commit after the answer.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, event, pool, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator

from kamld_common.errors import Unavailable

log = structlog.get_logger("kamld.db")


# Constraint names of every service's declarative base (each service declares its own, so its
# metadata holds only its tables): stable names that migrations can refer to.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with the pragmas and pool settings this platform relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, poolclass=pool.NullPool if kwargs.pop("null_pool", False) else None, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


class Database:
    """One service's database: the engine, sessions and its migrations."""

    def __init__(self, url: str, migrations: Path | None = None) -> None:
        self.url = url
        self.migrations = migrations
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session that commits when the block succeeds and rolls back when it raises."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def ping(self) -> None:
        """Raise :class:`Unavailable` unless the database answers a trivial query."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OSError, DBAPIError, OperationalError) as exc:
            raise Unavailable("database is not reachable", code="database_unavailable") from exc

    async def migrate(self) -> None:
        """Apply every Alembic migration up to head (a no-op when already there)."""
        if self.migrations is None:
            return
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                lock_id = zlib.crc32(str(self.migrations).encode()) & 0x7FFFFFFF
                await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
            await conn.run_sync(_upgrade, self.migrations)
        log.info("migrations_applied", dialect=self.engine.dialect.name)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(migrations: Path, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _upgrade(connection: Connection, migrations: Path) -> None:
    cfg = alembic_config(migrations)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def run_migrations(target_metadata: Any, default_url: Callable[[], str]) -> None:
    """Body of every service's ``migrations/env.py``.

    Uses the connection handed over by :meth:`Database.migrate`; run from the ``alembic``
    command line it opens one from ``sqlalchemy.url`` or the service settings.
    """
    import asyncio

    from alembic import context

    def configure_and_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url") or default_url(),
            target_metadata=target_metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    connection = context.config.attributes.get("connection")
    if connection is not None:
        configure_and_run(connection)
        return

    async def online() -> None:
        engine = create_engine(
            context.config.get_main_option("sqlalchemy.url") or default_url(), null_pool=True
        )
        async with engine.begin() as conn:
            await conn.run_sync(configure_and_run)
        await engine.dispose()

    asyncio.run(online())


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, on SQLite too (which stores it without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
