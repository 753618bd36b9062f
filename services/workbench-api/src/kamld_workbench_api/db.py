"""workbench-api's tables live on this base (its own schema; no other service reads it)."""

from kamld_common.db import declarative_base

Base = declarative_base()
