"""trainer settings (environment prefix ``KAMLD_TRAINER_``)."""

from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_TRAINER_", extra="ignore")

    service_name: str = "trainer"
    port: int = 8083
