"""The search engine a metadata-hub uses, from its settings."""

from __future__ import annotations

from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.search.protocol import SearchIndex

ENGINES = ("sqlite", "postgresql", "elasticsearch")


def create_search_index(settings: Settings) -> SearchIndex:
    """``auto`` follows the catalog: SQLite FTS5 beside a SQLite catalog, PostgreSQL full-text beside
    PostgreSQL. An engine that cannot be built says which settings it needs."""
    url = settings.search_database_url or settings.database_url
    engine = settings.search_engine
    if engine == "auto":
        engine = "sqlite" if url.startswith("sqlite") else "postgresql"
    if engine == "elasticsearch":
        if not settings.elasticsearch_url:
            raise ValueError("search_engine=elasticsearch needs KAMLD_METADATA_HUB_ELASTICSEARCH_URL")
        from kamld_metadata_hub.search.elastic import ElasticsearchSearchIndex

        return ElasticsearchSearchIndex(
            settings.elasticsearch_url, settings.elasticsearch_index, settings.request_timeout_s
        )
    from kamld_metadata_hub.search.sql import PostgresSearchIndex, SqliteSearchIndex

    if engine == "sqlite":
        if not url.startswith("sqlite"):
            raise ValueError("search_engine=sqlite needs a SQLite search_database_url")
        return SqliteSearchIndex(url)
    if not url.startswith("postgresql"):
        raise ValueError("search_engine=postgresql needs a PostgreSQL search_database_url")
    return PostgresSearchIndex(url)
