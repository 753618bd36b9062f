"""workbench-api's ORM models (imported so Alembic sees every table)."""

from kamld_workbench_api.auth.models import ApiToken

__all__ = ["ApiToken"]
