"""storage-gateway settings (environment prefix ``KAMLD_STORAGE_GATEWAY_``)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_STORAGE_GATEWAY_", extra="ignore")

    service_name: str = "storage-gateway"
    port: int = 8082

    object_store: str = Field("local", description="Where chunks and manifests live: 'local' or 's3'")
    local_root: Path | None = Field(None, description="Directory of the local object store; default data_dir/objects")
    s3_endpoint: str | None = Field(None, description="host:port or http(s)://host:port of the S3 service")
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "kamld"
    s3_region: str | None = None
    s3_secure: bool = Field(True, description="Use TLS when s3_endpoint has no scheme")
    s3_prefix: str = Field("", description="Key prefix inside the bucket, to share a bucket")
    s3_create_bucket: bool = Field(True, description="Create the bucket at first use when it is missing")

    @property
    def local_objects_dir(self) -> Path:
        return Path(self.local_root).expanduser() if self.local_root else Path(self.data_dir) / "objects"
