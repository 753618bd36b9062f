"""workbench-api's ORM models (imported so Alembic sees every table)."""

from kamld_workbench_api.auth.models import ApiToken
from kamld_workbench_api.events import OutboxLease, OutboxRecord

__all__ = ["ApiToken", "OutboxLease", "OutboxRecord"]
