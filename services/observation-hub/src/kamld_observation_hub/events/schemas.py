"""Request and response shapes of the event feed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

MAX_DATA_BYTES = 64 * 1024

EventType = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[a-z][a-z0-9_.-]*$",
        description="Dotted lower-case name of what happened, e.g. `version.created`, `alias.moved`",
        examples=["version.created"],
    ),
]


class EventIn(BaseModel):
    """An event to record."""

    model_config = ConfigDict(extra="forbid")

    type: EventType
    actor: str = Field(
        min_length=1, max_length=256, description="Who caused it: a user, token or service name"
    )
    subject: str = Field(
        min_length=1, max_length=1024, description="What it is about, usually a reference such as `faces:v4`"
    )
    data: dict[str, Any] = Field(
        default_factory=dict, description=f"Free details, at most {MAX_DATA_BYTES} bytes as JSON"
    )
    occurred_at: AwareDatetime | None = Field(
        None, description="When it happened (with a time zone); default: when it is recorded"
    )

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _a_timestamp_text(cls, value: Any) -> Any:
        """An ISO 8601 text, as documented: a bare number would be read as seconds since 1970."""
        if value is not None and not isinstance(value, str | datetime):
            raise ValueError("must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z")
        return value

    @field_validator("data")
    @classmethod
    def _data_is_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
        if size > MAX_DATA_BYTES:
            raise ValueError(f"data is {size} bytes as JSON; at most {MAX_DATA_BYTES} are accepted")
        return value


class Event(BaseModel):
    """A recorded event."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Position in the feed; later events have larger ids")
    type: str
    actor: str
    subject: str
    data: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
