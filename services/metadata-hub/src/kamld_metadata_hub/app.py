"""metadata-hub: the catalog of artifacts, versions, aliases and lineage."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import add_readiness_check, create_service_app
from kamld_common.db import Database
from kamld_metadata_hub import __version__
from kamld_metadata_hub.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)

    async def start(app: FastAPI) -> None:
        await database.migrate()
        add_readiness_check(app, "database", database.ping)

    async def stop(app: FastAPI) -> None:
        await database.dispose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D metadata-hub",
        description="The catalog: artifacts, versions, aliases, lineage.",
        routers=[],
        on_startup=[start],
        on_shutdown=[stop],
    )
    app.state.database = database
    return app
