"""Alembic environment of storage-gateway (applied at start by ``Database.migrate``)."""

from kamld_common.db import run_migrations
from kamld_storage_gateway import events, models  # noqa: F401 - registers the tables on Base.metadata
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.db import Base

run_migrations(Base.metadata, lambda: Settings().database_url)
