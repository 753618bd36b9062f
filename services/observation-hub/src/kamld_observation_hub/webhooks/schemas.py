"""Request and response shapes of webhooks and their deliveries."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kamld_common import patterns
from kamld_common.outbox import EVENT_TYPES, check_event_type

DeliveryStatus = Literal["pending", "delivered", "dead"]

# Every event type, for the JSON Schema of a subscription's `types`.
TYPE_NAMES: Any = sorted(EVENT_TYPES)


class WebhookCreate(BaseModel):
    """Subscribe ``url`` to events of ``types`` about ``artifacts`` (an empty list: all)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=2048,
        pattern=patterns.WEBHOOK_URL,
        description="http(s) URL the events are POSTed to",
    )
    types: list[str] = Field(
        default_factory=list,
        max_length=64,
        json_schema_extra={"items": {"type": "string", "enum": TYPE_NAMES}},
        description="Event types; empty: all",
    )
    artifacts: list[str] = Field(
        default_factory=list,
        max_length=256,
        json_schema_extra={"items": {"type": "string", "pattern": patterns.NAME}},
        description="Artifact names; empty: events of any artifact and none",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
        except ValueError as exc:
            raise ValueError(f"is not a URL ({exc})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        return [check_event_type(item) for item in value]

    @field_validator("artifacts")
    @classmethod
    def _artifact_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not re.fullmatch(patterns.NAME, name):
                raise ValueError(f"{name!r} is not an artifact name")
        return value


class WebhookView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    types: list[str]
    artifacts: list[str]
    position: int = Field(description="Feed id of the last event handled (delivered or dead-lettered)")
    created_by: str
    created_at: datetime


class WebhookCreated(WebhookView):
    secret: str = Field(description="The signing secret; shown only in this answer")


class DeliveryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    event_id: int = Field(description="The event's feed id")
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime
