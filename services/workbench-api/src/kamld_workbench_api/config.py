"""workbench-api settings (environment prefix ``KAMLD_WORKBENCH_API_``)."""

from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_WORKBENCH_API_", extra="ignore")

    service_name: str = "workbench-api"
    port: int = 8080
