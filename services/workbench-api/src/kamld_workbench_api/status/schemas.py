"""The platform status report on the wire."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class ServiceState(StrEnum):
    """``ok``: ready; ``not_ready``: alive but a dependency is down; ``down``: no answer."""

    ok = "ok"
    not_ready = "not_ready"
    down = "down"


class ServiceStatus(BaseModel):
    name: str = Field(description="The service, e.g. metadata-hub")
    url: str = Field(description="Where the gateway reaches it")
    status: ServiceState
    version: str | None = Field(None, description="The version it reports; unknown when it does not answer")
    checks: dict[str, str] = Field(default_factory=dict, description="Each dependency: 'ok' or 'down: <why>'")
    detail: str | None = Field(None, description="Why it is not ok")


class PlatformStatus(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="'ok' when every service is ready")
    services: list[ServiceStatus]
