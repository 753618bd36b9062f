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

ENGINES = ("duckdb", "trino")


def create_engine(settings: Settings) -> QueryEngine:
    """The engine ``settings.query_engine`` names: ``duckdb`` (embedded) or ``trino``."""
    name = settings.query_engine
    if name == "duckdb":
        return DuckDBEngine()
    if name == "trino":
        if not settings.query_trino_url:
            raise Invalid("the trino query engine needs query_trino_url", field="query_trino_url")
        from kamld_storage_gateway.query.trino_engine import TrinoEngine  # only where it is used
        from kamld_storage_gateway.query.trino_sql import data_size

        try:
            data_size(settings.query_memory_limit)
        except ValueError as exc:
            raise Invalid(str(exc), field="query_memory_limit") from None

        return TrinoEngine(
            settings.query_trino_url, user=settings.query_trino_user, catalog=settings.query_trino_catalog
        )
    raise Invalid(f"unknown query engine {name!r}; valid: {', '.join(ENGINES)}", field="query_engine")


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
        create_engine(settings),
        limits,
        settings.query_concurrency,
    )
