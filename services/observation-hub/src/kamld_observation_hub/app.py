"""observation-hub: platform status and the activity/audit feed."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import create_service_app
from kamld_common.db import Database
from kamld_observation_hub import __version__
from kamld_observation_hub.config import Settings
from kamld_observation_hub.events.endpoints import router as events_router
from kamld_observation_hub.retention import retention_hooks
from kamld_observation_hub.status.endpoints import router as status_router
from kamld_observation_hub.status.service import StatusCollector
from kamld_observation_hub.webhooks.endpoints import router as webhooks_router
from kamld_observation_hub.webhooks.hooks import dispatcher_hooks

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    start_retention, stop_retention = retention_hooks(settings, database)
    collector = StatusCollector(settings)
    start_dispatcher, stop_dispatcher = dispatcher_hooks(settings, database)

    async def close_status(app: FastAPI) -> None:
        await collector.aclose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D observation-hub",
        description=(
            "The activity and audit feed of the platform: producers' outbox relays deliver events to "
            "`POST /events/batch` (idempotent by event id), `GET /events` pages through the feed newest "
            "first and `GET /events/stream` follows it live (server-sent events). `GET /status` "
            "reports every service's readiness and key figures."
        ),
        routers=[events_router, status_router, webhooks_router],
        database=database,
        on_startup=[start_retention, start_dispatcher],
        on_shutdown=[stop_retention, close_status, stop_dispatcher],
    )
    app.state.status = collector
    return app
