"""Alembic environment of metadata-hub (applied at start by ``Database.migrate``)."""

from kamld_common.db import run_migrations
from kamld_metadata_hub import events, models  # noqa: F401 - registers the tables on Base.metadata
from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.db import Base

run_migrations(Base.metadata, lambda: Settings().database_url)
