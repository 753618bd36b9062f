"""The public shape of an event (observation-hub's ``Event``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Event(BaseModel):
    """One recorded change: who did what to which target, with the state before and after."""

    id: int = Field(description="Position in the feed; later events have larger ids")
    event_id: str | None = Field(description="The producer's event id (a UUID)")
    type: str = Field(description="What happened, e.g. `version.committed`, `alias.set`, `token.revoked`")
    actor: str = Field(description="Who did it (token name)")
    subject: str = Field(description="The target: `faces:v4`, `faces@production`, `token:ci`, ...")
    artifact: str | None = Field(description="The artifact it concerns, if any")
    before: dict[str, Any] | None = Field(description="The changed state before")
    after: dict[str, Any] | None = Field(description="The changed state after")
    data: dict[str, Any]
    trace_id: str | None = Field(description="W3C trace id of the change (its trace in Jaeger)")
    source: str | None = Field(description="The service that recorded it")
    occurred_at: datetime
    recorded_at: datetime
