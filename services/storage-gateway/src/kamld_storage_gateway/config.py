"""storage-gateway settings (environment prefix ``KAMLD_STORAGE_GATEWAY_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_STORAGE_GATEWAY_", extra="ignore")

    service_name: str = "storage-gateway"
    port: int = 8082

    # Uploads, downloads, manifests and garbage collection.
    metadata_hub_url: str = Field(
        "http://127.0.0.1:8081", description="metadata-hub, asked for the manifest digests the catalog references"
    )
    upload_ttl_s: int = Field(24 * 3600, gt=0, description="How long an upload session stays open")
    gc_grace_s: int = Field(3600, ge=0, description="Unreferenced objects younger than this survive garbage collection")
    max_batch_bytes: int = Field(64 << 20, gt=0, description="Largest body of a chunk batch upload")
    max_read_digests: int = Field(1000, gt=0, le=10000, description="Most digests one batched chunk read may name")
    max_file_bytes: int = Field(16 << 30, gt=0, description="Largest body of a whole-file upload")
    max_commit_line_bytes: int = Field(16 << 20, gt=0, description="Longest line of a commit's NDJSON file list")
    diff_rename_limit: int = Field(
        100_000, ge=0, description="Renames are looked for only when a diff adds and removes at most this many files"
    )
