"""metadata-hub: the catalog of artifacts, versions, aliases and lineage, and its search index."""

from __future__ import annotations

from pathlib import Path

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from kamld_common.app import create_service_app
from kamld_common.db import Database
from kamld_common.http import ServiceClient
from kamld_common.outbox import install_outbox
from kamld_metadata_hub import __version__
from kamld_metadata_hub.aliases.endpoints import router as aliases_router
from kamld_metadata_hub.artifacts.endpoints import router as artifacts_router
from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.events import OutboxLease, OutboxRecord
from kamld_metadata_hub.indexing.jobs import JobQueue
from kamld_metadata_hub.indexing.manifests import ManifestReader
from kamld_metadata_hub.indexing.worker import Indexer, IndexWorkers
from kamld_metadata_hub.lineage.endpoints import router as lineage_router
from kamld_metadata_hub.profiles.endpoints import router as profiles_router
from kamld_metadata_hub.profiles.profiler import Profiler
from kamld_metadata_hub.profiles.tabular import Limits
from kamld_metadata_hub.recall.endpoints import router as recall_router
from kamld_metadata_hub.rowdiff.endpoints import router as rowdiff_router
from kamld_metadata_hub.search.endpoints import router as search_router
from kamld_metadata_hub.search.factory import create_search_index
from kamld_metadata_hub.versions.cache import ResolutionCache
from kamld_metadata_hub.versions.endpoints import router as versions_router
from kamld_metadata_hub.versions.stamps import stamp_reader

MIGRATIONS = Path(__file__).parent / "migrations"

log = structlog.get_logger("kamld.metadata_hub")


class WakeIndexerOnWrite:
    """After a write request, wake this process's indexing workers (they also poll, so a write
    that another replica served is picked up too)."""

    def __init__(self, app: ASGIApp, workers: IndexWorkers) -> None:
        self.app = app
        self.workers = workers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            self.workers.wake()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    start_outbox, stop_outbox = install_outbox(settings, database, OutboxRecord, OutboxLease, __version__)

    search_index = create_search_index(settings)
    queue = JobQueue(
        database,
        lease_s=settings.index_lease_s,
        backoff_s=settings.index_backoff_s,
        max_backoff_s=settings.index_max_backoff_s,
    )
    storage = ServiceClient(
        settings.storage_gateway_url,
        service="storage-gateway",
        user_agent=f"kamld-metadata-hub/{__version__}",
        timeout=settings.request_timeout_s,
        internal_token=settings.internal_token,
    )
    workers = IndexWorkers(
        Indexer(
            database,
            queue,
            search_index,
            ManifestReader(storage),
            Profiler(
                settings.storage_gateway_url,
                settings.internal_token,
                Limits(
                    max_bytes=settings.profile_max_bytes,
                    sample_rows=settings.profile_sample_rows,
                    memory=settings.profile_memory,
                    timeout_s=settings.profile_timeout_s,
                ),
                max_tables=settings.profile_max_tables,
                max_images=settings.profile_max_images,
            ),
        ),
        queue,
        count=settings.index_workers,
        batch=settings.index_batch,
        poll_s=settings.index_poll_s,
    )

    async def start(app: FastAPI) -> None:
        await start_outbox(app)
        try:
            await search_index.start()
        except Exception as exc:  # noqa: BLE001 - an engine that is down must not stop the catalog
            log.warning("search_engine_unavailable_at_start", engine=search_index.name, error=str(exc)[:200])
        workers.start()

    async def stop(app: FastAPI) -> None:
        await stop_outbox(app)
        await workers.stop()
        await search_index.close()
        await storage.aclose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D metadata-hub",
        description=(
            "The catalog: artifacts, versions, aliases and their history, lineage, and its search index. "
            "Internal API behind workbench-api, which passes the authenticated user in `X-Kamld-Caller` "
            "(recorded as author/actor). "
            "Errors are RFC 9457 problem+json with a stable `code`."
        ),
        routers=[
            artifacts_router,
            versions_router,
            aliases_router,
            lineage_router,
            search_router,
            recall_router,
            profiles_router,
            rowdiff_router,
        ],
        on_startup=[start],
        on_shutdown=[stop],
        database=database,
    )
    app.state.resolution_cache = ResolutionCache(stamp_reader(database), settings.resolution_cache_size)
    app.state.search_index = search_index
    app.state.index_queue = queue
    app.state.index_workers = workers
    app.add_middleware(WakeIndexerOnWrite, workers=workers)
    return app
