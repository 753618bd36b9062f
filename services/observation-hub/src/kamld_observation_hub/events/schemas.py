"""Request and response shapes of the event feed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kamld_common.outbox import EVENT_TYPES, check_event_type
from kamld_common.timestamps import IsoDateTime

MAX_DATA_BYTES = 64 * 1024
MAX_BATCH = 5000
EVENT_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

EventType = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        description="What happened; one of: " + ", ".join(f"`{name}`" for name in sorted(EVENT_TYPES)),
        examples=["version.committed"],
        json_schema_extra={"enum": sorted(EVENT_TYPES)},
    ),
]


class EventIn(BaseModel):
    """An event to record; ``id`` (the producer's) makes recording it again a no-op."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None, pattern=EVENT_ID_PATTERN, description="The producer's event id (a UUID); default: a new one"
    )
    type: EventType
    actor: str = Field(
        min_length=1, max_length=256, description="Who caused it: a user, token or service name"
    )
    subject: str = Field(
        min_length=1, max_length=1024, description="What it is about, usually a reference such as `faces:v4`"
    )
    artifact: str | None = Field(None, max_length=128, description="The artifact it concerns, if any")
    before: dict[str, Any] | None = Field(None, description="The changed state before the change")
    after: dict[str, Any] | None = Field(None, description="The changed state after the change")
    data: dict[str, Any] = Field(
        default_factory=dict, description=f"Free details, at most {MAX_DATA_BYTES} bytes as JSON"
    )
    trace_id: str | None = Field(None, pattern=r"^[0-9a-f]{32}$", description="W3C trace id of the change")
    source: str | None = Field(None, max_length=64, description="The service that recorded it")
    occurred_at: IsoDateTime | None = Field(
        None, description="When it happened (with a time zone); default: when it is recorded"
    )

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return check_event_type(value)

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _a_timestamp_text(cls, value: Any) -> Any:
        """An ISO 8601 text, as documented: a bare number would be read as seconds since 1970."""
        if value is not None and not isinstance(value, str | datetime):
            raise ValueError("must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z")
        return value

    @field_validator("data", "before", "after")
    @classmethod
    def _details_are_small(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
        if size > MAX_DATA_BYTES:
            raise ValueError(f"{size} bytes as JSON; at most {MAX_DATA_BYTES} are accepted")
        return value


class EventBatch(BaseModel):
    """Events to record in this order (a producer's outbox relay sends these)."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(max_length=MAX_BATCH)


class Ingested(BaseModel):
    """What a batch did: events newly recorded, and those already recorded (by id) and skipped."""

    recorded: int
    duplicates: int


class Event(BaseModel):
    """A recorded event."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Position in the feed; later events have larger ids")
    event_id: str | None = Field(description="The producer's event id")
    type: str
    actor: str
    subject: str
    artifact: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    data: dict[str, Any]
    trace_id: str | None = Field(description="W3C trace id: the change's trace in Jaeger")
    source: str | None
    occurred_at: datetime
    recorded_at: datetime
