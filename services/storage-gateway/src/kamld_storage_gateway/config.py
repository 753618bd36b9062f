"""storage-gateway settings (environment prefix ``KAMLD_STORAGE_GATEWAY_``)."""

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from kamld_common.grants import check_transfer_key
from kamld_common.outbox import OutboxSettings


class Settings(OutboxSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_STORAGE_GATEWAY_", extra="ignore")

    service_name: str = "storage-gateway"
    port: int = 8082

    object_store: str = Field("local", description="Where chunks and manifests live: 'local' or 's3'")
    local_root: Path | None = Field(
        None, description="Directory of the local object store; default data_dir/objects"
    )
    local_direct_io: bool = Field(
        True,
        description="Write and read the local store's chunk files around the page cache (O_DIRECT); "
        "turn off where the disk is much slower than memory and the same data is read again and again",
    )
    s3_endpoint: str | None = Field(None, description="host:port or http(s)://host:port of the S3 service")
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "kamld"
    s3_region: str | None = None
    s3_secure: bool = Field(True, description="Use TLS when s3_endpoint has no scheme")
    s3_prefix: str = Field("", description="Key prefix inside the bucket, to share a bucket")
    s3_create_bucket: bool = Field(True, description="Create the bucket at first use when it is missing")

    # Uploads, downloads, manifests and garbage collection.
    metadata_hub_url: str = Field(
        "http://127.0.0.1:8081",
        description="metadata-hub, asked for the manifest digests the catalog references",
    )
    upload_ttl_s: int = Field(24 * 3600, gt=0, description="How long an upload session stays open")
    gc_grace_s: int = Field(
        3600, ge=0, description="Unreferenced objects younger than this survive garbage collection"
    )
    max_batch_bytes: int = Field(64 << 20, gt=0, description="Largest body of a chunk batch upload")
    upload_memory_bytes: int = Field(
        160 << 20,
        gt=0,
        description="Upload bodies held in memory at once, across all clients; uploads beyond it wait "
        "their turn (one kamld push holds at most 128 MiB)",
    )
    max_read_digests: int = Field(
        1000, gt=0, le=10000, description="Most digests one batched chunk read may name"
    )
    max_file_bytes: int = Field(16 << 30, gt=0, description="Largest body of a whole-file upload")
    max_commit_line_bytes: int = Field(
        16 << 20, gt=0, description="Longest line of a commit's NDJSON file list"
    )
    diff_rename_limit: int = Field(
        100_000,
        ge=0,
        description="Renames are looked for only when a diff adds and removes at most this many files",
    )

    query_engine: str = Field(
        "duckdb", description="SQL engine of POST /query: 'duckdb' (embedded) or 'trino' (QUERY_TRINO_URL)"
    )
    query_trino_url: str | None = Field(
        None, description="Trino coordinator of the 'trino' engine, e.g. http://trino:8080"
    )
    query_trino_user: str = Field("kamld", description="Trino user the 'trino' engine runs queries as")
    query_trino_catalog: str = Field(
        "kamld", description="Trino Hive catalog reading KAML-D's S3 endpoint (deploy/trino/catalog)"
    )
    query_max_rows: int = Field(1_000_000, gt=0, description="Most rows one query may answer")
    query_time_limit_s: float = Field(30.0, gt=0, description="A query running longer is interrupted")
    query_memory_limit: str = Field(
        "1GB", description="Memory limit of each query (DuckDB memory_limit, Trino query_max_memory)"
    )
    query_threads: int = Field(2, gt=0, description="Threads of each query")
    query_concurrency: int = Field(2, gt=0, description="Queries run at once; more wait their turn")

    transfer_key: SecretStr | None = Field(
        None,
        description="Key verifying direct transfer grants (the workbench-api's transfer_key); unset "
        "refuses grants",
    )

    _check_transfer_key = field_validator("transfer_key")(check_transfer_key)

    @property
    def local_objects_dir(self) -> Path:
        return Path(self.local_root).expanduser() if self.local_root else Path(self.data_dir) / "objects"
