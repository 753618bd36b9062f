"""metadata-hub settings (environment prefix ``KAMLD_METADATA_HUB_``)."""

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kamld_common.outbox import OutboxSettings


class Settings(OutboxSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_METADATA_HUB_", extra="ignore")

    service_name: str = "metadata-hub"
    port: int = 8081
    resolution_cache_size: int = Field(
        default=10_000,
        ge=0,
        description="Resolved versions kept in memory, each revalidated by one indexed read (0 turns it off)",
    )
    storage_gateway_url: str = Field(
        "http://127.0.0.1:8082", description="Base URL of storage-gateway (the indexer reads manifests there)"
    )
    search_engine: Literal["auto", "sqlite", "postgresql", "elasticsearch"] = Field(
        "auto",
        description="Search engine; auto: SQLite FTS5 or PostgreSQL full-text, as the catalog's database",
    )
    search_database_url: str | None = Field(
        None, description="Database of the SQL search engines (default: the catalog's own database)"
    )
    elasticsearch_url: str | None = Field(
        None, description="Elasticsearch URL, for search_engine=elasticsearch"
    )
    elasticsearch_index: str = Field(
        "kamld-search", description="Elasticsearch alias searched (and index prefix)"
    )
    index_workers: int = Field(1, ge=0, le=16, description="Indexing workers in each process (0: none here)")
    index_batch: int = Field(8, ge=1, le=1000, description="Index jobs a worker claims at a time")
    index_lease_s: float = Field(60.0, gt=0, description="Seconds a claimed job stays with its worker")
    index_backoff_s: float = Field(
        1.0, gt=0, description="First retry delay of a failed job; doubles per attempt"
    )
    index_max_backoff_s: float = Field(300.0, gt=0, description="Longest retry delay of a failed job")
    index_poll_s: float = Field(1.0, gt=0, description="How often an idle worker looks for jobs")
    profile_max_bytes: int = Field(
        256 << 20,
        ge=1,
        description="A table larger than this is profiled on its first profile_sample_rows rows",
    )
    profile_sample_rows: int = Field(
        100_000, ge=1, description="Rows profiled of a table over the size limit"
    )
    profile_memory: str = Field("256MB", description="DuckDB's memory limit while profiling one table")
    profile_timeout_s: float = Field(120.0, gt=0, description="Longest time spent profiling one table")
    profile_max_tables: int = Field(100, ge=0, description="Tables profiled per version (in path order)")
    profile_max_images: int = Field(1000, ge=0, description="Images whose headers are read per version")
