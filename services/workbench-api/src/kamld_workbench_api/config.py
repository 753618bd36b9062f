"""workbench-api settings (environment prefix ``KAMLD_WORKBENCH_API_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_WORKBENCH_API_", extra="ignore")

    service_name: str = "workbench-api"
    port: int = 8080
    workers: int = Field(
        2,
        ge=1,
        le=64,
        description="Server processes sharing the port (the gateway is the busiest hop; they share "
        "cache invalidation through a file in data_dir)",
    )
    metadata_hub_url: str = Field("http://127.0.0.1:8081", description="Base URL of metadata-hub")
    storage_gateway_url: str = Field("http://127.0.0.1:8082", description="Base URL of storage-gateway")
    trainer_url: str = Field("http://127.0.0.1:8083", description="Base URL of trainer")
    observation_hub_url: str = Field("http://127.0.0.1:8084", description="Base URL of observation-hub")
    resolution_cache_ttl_s: float = Field(
        1.0,
        ge=0,
        le=60,
        description="How old a resolved version this gateway serves from memory may be (0: never cached)",
    )
    bootstrap_admin_token: str | None = Field(
        None, description="Admin API token ensured at start (kamld up sets it; stored hashed)"
    )
