"""trainer settings (environment prefix ``KAMLD_TRAINER_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from kamld_common.outbox import OutboxSettings


class Settings(OutboxSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_TRAINER_", extra="ignore")

    service_name: str = "trainer"
    port: int = 8083
    gateway_url: str = Field(
        "http://127.0.0.1:8080",
        description="The public API, where runs pull inputs and push models",
    )
    gateway_token: SecretStr | None = Field(
        None, description="API token (editor or above) the trainer pulls and pushes with; `kamld up` sets it"
    )
    executor: bool = Field(True, description="Execute queued local runs in this process")
    pool_size: int = Field(1, ge=1, le=64, description="Local runs executed at once")
    nice: int = Field(10, ge=0, le=19, description="CPU niceness added to every local run")
    cancel_grace_s: float = Field(10.0, ge=0, description="Seconds between SIGTERM and SIGKILL on cancel")
    poll_interval_s: float = Field(0.5, gt=0, le=60, description="How often the executor looks for work")
    default_timeout_s: int = Field(6 * 3600, ge=1, description="Timeout of a run that names none")
    envs_dir: Path | None = Field(None, description="Virtualenvs by requirements hash; default data_dir/envs")
    cache_dir: Path | None = Field(
        None, description="Input versions by digest, shared by runs; default data_dir/cache"
    )
    runs_dir: Path | None = Field(None, description="Run directories and logs; default data_dir/runs")

    kubernetes_namespace: str | None = Field(
        None, description="Namespace of run Jobs; set, it enables `executor: kubernetes`"
    )
    kubernetes_kubeconfig: str | None = Field(None, description="Kubeconfig file; unset: in-cluster config")
    kubernetes_image: str = Field(
        "kamld/trainer:dev", description="Image with kamld that pulls and publishes"
    )
    kubernetes_train_image: str = Field("python:3.11-slim", description="Image runs train in (Python + venv)")
    kubernetes_gateway_url: str = Field(
        "http://workbench-api:8080", description="The public API as pods reach it"
    )
    kubernetes_token_secret: str = Field("kamld-runner-token", description="Secret (key `token`) pods use")
    kubernetes_service_account: str = Field("kamld-runner", description="Service account of run pods")

    @model_validator(mode="after")
    def _fill_dirs(self) -> Settings:
        self.envs_dir = (self.envs_dir or self.data_dir / "envs").expanduser()
        self.cache_dir = (self.cache_dir or self.data_dir / "cache").expanduser()
        self.runs_dir = (self.runs_dir or self.data_dir / "runs").expanduser()
        return self
