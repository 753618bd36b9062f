"""metadata-hub: the catalog of artifacts, versions, aliases and lineage."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import create_service_app
from kamld_common.db import Database
from kamld_common.outbox import install_outbox
from kamld_metadata_hub import __version__
from kamld_metadata_hub.aliases.endpoints import router as aliases_router
from kamld_metadata_hub.artifacts.endpoints import router as artifacts_router
from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.events import OutboxLease, OutboxRecord
from kamld_metadata_hub.lineage.endpoints import router as lineage_router
from kamld_metadata_hub.versions.cache import ResolutionCache
from kamld_metadata_hub.versions.endpoints import router as versions_router
from kamld_metadata_hub.versions.stamps import stamp_reader

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    start_outbox, stop_outbox = install_outbox(settings, database, OutboxRecord, OutboxLease, __version__)

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D metadata-hub",
        description=(
            "The catalog: artifacts, versions, aliases and their history, lineage. Internal API behind "
            "workbench-api, which passes the authenticated user in `X-Kamld-Caller` "
            "(recorded as author/actor). "
            "Errors are RFC 9457 problem+json with a stable `code`."
        ),
        routers=[artifacts_router, versions_router, aliases_router, lineage_router],
        database=database,
        on_startup=[start_outbox],
        on_shutdown=[stop_outbox],
    )
    app.state.resolution_cache = ResolutionCache(stamp_reader(database), settings.resolution_cache_size)
    return app
