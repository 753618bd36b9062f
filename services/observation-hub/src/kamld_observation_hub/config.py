"""observation-hub settings (environment prefix ``KAMLD_OBSERVATION_HUB_``)."""

from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_OBSERVATION_HUB_", extra="ignore")

    service_name: str = "observation-hub"
    port: int = 8084
