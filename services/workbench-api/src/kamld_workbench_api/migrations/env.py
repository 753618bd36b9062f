"""Alembic environment of workbench-api (applied at start by ``Database.migrate``)."""

from kamld_common.db import run_migrations
from kamld_workbench_api import models  # noqa: F401 - registers the tables on Base.metadata
from kamld_workbench_api.config import Settings
from kamld_workbench_api.db import Base

run_migrations(Base.metadata, lambda: Settings().database_url)
