"""storage-gateway settings (environment prefix ``KAMLD_STORAGE_GATEWAY_``)."""

from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_STORAGE_GATEWAY_", extra="ignore")

    service_name: str = "storage-gateway"
    port: int = 8082
