"""observation-hub settings (environment prefix ``KAMLD_OBSERVATION_HUB_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_OBSERVATION_HUB_", extra="ignore")

    service_name: str = "observation-hub"
    port: int = 8084
    event_retention_days: float = Field(
        365.0, ge=0, description="Events recorded longer ago than this are deleted; 0 keeps them forever"
    )
    retention_interval_s: float = Field(3600.0, gt=0, description="How often old events are looked for")
    service_urls: dict[str, str] = Field(
        default_factory=lambda: {
            "workbench-api": "http://127.0.0.1:8080",
            "metadata-hub": "http://127.0.0.1:8081",
            "storage-gateway": "http://127.0.0.1:8082",
            "trainer": "http://127.0.0.1:8083",
            "observation-hub": "http://127.0.0.1:8084",
        },
        description="Every service whose status is reported, name to base URL (JSON)",
    )
    prometheus_url: str | None = Field(
        None, description="Take the status figures from this Prometheus instead of each service's /metrics"
    )
    webhook_timeout_s: float = Field(5.0, gt=0, description="How long a webhook receiver may take to answer")
    webhook_max_attempts: int = Field(
        30, ge=1, le=1000, description="Attempts at one delivery before it is dead-lettered"
    )
    webhook_max_backoff_s: float = Field(
        10.0, gt=0, description="Longest wait between attempts at one delivery (exponential, with jitter)"
    )
    stream_poll_s: float = Field(0.5, gt=0, description="How often a live event stream looks for new events")
