"""The query service for the configured engine."""

from __future__ import annotations

from kamld_common.errors import Invalid
from kamld_common.http import ServiceClient
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.downloads.service import DownloadService
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.query.duckdb_engine import DuckDBEngine
from kamld_storage_gateway.query.engine import Limits, QueryEngine
from kamld_storage_gateway.query.references import ReferenceResolver
from kamld_storage_gateway.query.service import QueryService

ENGINES = {"duckdb": DuckDBEngine}


def create_engine(name: str) -> QueryEngine:
    if name not in ENGINES:
        raise Invalid(
            f"unknown query engine {name!r}; valid: {', '.join(sorted(ENGINES))}", field="query_engine"
        )
    engine: QueryEngine = ENGINES[name]()
    return engine


def create_query_service(
    settings: Settings, metadata_hub: ServiceClient, manifests: ManifestService, downloads: DownloadService
) -> QueryService:
    limits = Limits(
        max_rows=settings.query_max_rows,
        time_s=settings.query_time_limit_s,
        memory=settings.query_memory_limit,
        threads=settings.query_threads,
    )
    return QueryService(
        ReferenceResolver(metadata_hub, manifests),
        downloads,
        create_engine(settings.query_engine),
        limits,
        settings.query_concurrency,
    )
