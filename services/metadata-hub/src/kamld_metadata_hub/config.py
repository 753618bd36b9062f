"""metadata-hub settings (environment prefix ``KAMLD_METADATA_HUB_``)."""

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
