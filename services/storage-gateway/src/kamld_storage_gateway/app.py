"""storage-gateway: content-addressed chunks, manifests, upload sessions, downloads, diffs and GC."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import add_readiness_check, create_service_app
from kamld_common.db import Database
from kamld_common.http import ServiceClient
from kamld_common.outbox import install_outbox
from kamld_storage_gateway import __version__
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.dependencies import Services
from kamld_storage_gateway.downloads.endpoints import router as downloads_router
from kamld_storage_gateway.downloads.service import DownloadService
from kamld_storage_gateway.events import OutboxLease, OutboxRecord
from kamld_storage_gateway.gc.catalog import MetadataHubDigests
from kamld_storage_gateway.gc.endpoints import router as gc_router
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.gc.service import GarbageCollector
from kamld_storage_gateway.grants import GrantGate
from kamld_storage_gateway.manifests.repository import ManifestRepository
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.objectstore import create_object_store
from kamld_storage_gateway.query.endpoints import router as query_router
from kamld_storage_gateway.query.factory import create_query_service
from kamld_storage_gateway.query.file_split import FileSplitter
from kamld_storage_gateway.query.table_split import TableSplitter
from kamld_storage_gateway.uploads.endpoints import router as uploads_router
from kamld_storage_gateway.uploads.service import UploadService, utcnow
from kamld_storage_gateway.verify.endpoints import router as verify_router
from kamld_storage_gateway.verify.service import Verifier

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    objects = create_object_store(settings)
    chunks = ChunkStore(objects, cache_bytes=64 << 20)
    manifests = ManifestService(ManifestRepository(objects), rename_limit=settings.diff_rename_limit)
    guard = WriteGuard(database)
    start_outbox, stop_outbox = install_outbox(settings, database, OutboxRecord, OutboxLease, __version__)
    metadata_hub = ServiceClient(
        settings.metadata_hub_url,
        service="metadata-hub",
        user_agent=f"kamld-storage-gateway/{__version__}",
        timeout=settings.request_timeout_s,
        internal_token=settings.internal_token,
    )
    services = Services(
        settings=settings,
        uploads=UploadService(
            guard,
            chunks,
            manifests,
            ttl_s=settings.upload_ttl_s,
            max_file_bytes=settings.max_file_bytes,
            max_line_bytes=settings.max_commit_line_bytes,
            memory_bytes=settings.upload_memory_bytes,
        ),
        downloads=DownloadService(manifests, chunks, database),
        manifests=manifests,
        collector=GarbageCollector(
            guard, objects, chunks, manifests.repository, MetadataHubDigests(metadata_hub), utcnow
        ),
    )

    async def start(app: FastAPI) -> None:
        add_readiness_check(app, "object_store", objects.check)

    async def stop(app: FastAPI) -> None:
        await metadata_hub.aclose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D storage-gateway",
        description=(
            "Content: chunks, manifests, upload sessions, downloads, diffs of manifests, garbage collection."
        ),
        routers=[uploads_router, downloads_router, gc_router, verify_router, query_router],
        on_startup=[start, start_outbox],
        on_shutdown=[stop, stop_outbox],
        database=database,
        admit=GrantGate(settings.transfer_key),
    )
    app.state.object_store = objects
    app.state.services = services
    app.state.verifier = Verifier(metadata_hub, manifests.repository, chunks)
    app.state.queries = create_query_service(settings, metadata_hub, manifests, services.downloads)
    app.state.table_splitter = TableSplitter(app.state.queries, services.uploads, app.state.queries.limits)
    app.state.file_splitter = FileSplitter(metadata_hub, manifests, services.uploads)
    return app
