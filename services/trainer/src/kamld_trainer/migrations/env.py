"""Alembic environment of trainer (applied at start by ``Database.migrate``)."""

from kamld_common.db import run_migrations
from kamld_trainer import models  # noqa: F401 - registers the tables on Base.metadata
from kamld_trainer.config import Settings
from kamld_trainer.db import Base

run_migrations(Base.metadata, lambda: Settings().database_url)
