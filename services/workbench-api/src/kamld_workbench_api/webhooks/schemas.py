"""The public shapes of webhooks (observation-hub's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamld_common import patterns
from kamld_common.outbox import EVENT_TYPES

# Every event type, for the JSON Schema of a subscription's `types`.
TYPE_NAMES: Any = sorted(EVENT_TYPES)


class WebhookCreate(BaseModel):
    """Subscribe ``url`` to events of ``types`` about ``artifacts`` (an empty list: all)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=2048,
        pattern=patterns.WEBHOOK_URL,
        description="http(s) URL the events are POSTed to",
        examples=["https://ci.example.com/hook"],
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
        description="Artifact names; empty: all",
    )


class Webhook(BaseModel):
    id: int
    url: str
    types: list[str]
    artifacts: list[str]
    position: int = Field(description="Feed id of the last event handled (delivered or dead-lettered)")
    created_by: str
    created_at: datetime


class WebhookCreated(Webhook):
    secret: str = Field(description="The signing secret (HMAC-SHA256); shown only in this answer")


class WebhookDelivery(BaseModel):
    id: int
    webhook_id: int
    event_id: int = Field(description="The event's feed id")
    event_type: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    response_status: int | None
    error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime
