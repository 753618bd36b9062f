"""metadata-hub settings (environment prefix ``KAMLD_METADATA_HUB_``)."""

from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_METADATA_HUB_", extra="ignore")

    service_name: str = "metadata-hub"
    port: int = 8081
