"""What an event is, and which types exist: one catalogue, shared by producers and observation-hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVENT_TYPES: dict[str, str] = {
    "artifact.created": "an artifact was created (by its first push or explicitly)",
    "artifact.edited": "an artifact's description or labels changed",
    "artifact.archived": "an artifact was archived",
    "artifact.unarchived": "an archived artifact was restored",
    "version.committed": "a version was committed (a push)",
    "alias.set": "an alias was set or moved by hand",
    "alias.removed": "an alias was removed",
    "token.created": "an API token was created",
    "token.revoked": "an API token was revoked",
    "run.created": "a training run was queued (or, tracked by hand, started)",
    "run.started": "a training run started",
    "run.succeeded": "a training run finished and registered its model version",
    "run.failed": "a training run failed (or was interrupted by a trainer restart)",
    "run.cancelled": "a training run was cancelled",
    "run.retried": "a finished training run was queued again as a new run",
    "gc.completed": "garbage collection deleted unreferenced content",
    "version.read": "a version's content was read (read audit, off by default)",
}
"""Every event type, with what it means; an event of another type is refused (422)."""


def check_event_type(value: str) -> str:
    """``value`` when it is a known event type; a ValueError listing the known ones otherwise."""
    if value not in EVENT_TYPES:
        raise ValueError(f"unknown event type {value!r}; known types: {', '.join(sorted(EVENT_TYPES))}")
    return value


@dataclass(frozen=True)
class EventDraft:
    """An event as a producer describes it; id, time, source and trace id are added when recorded.

    ``artifact`` is the ordering key: events of one artifact are delivered in the order their
    transactions committed. ``subject`` names the target (``faces:v4``, ``faces@production``, a
    token name); ``before``/``after`` hold the changed state, ``data`` anything else worth keeping.
    """

    type: str
    actor: str
    subject: str
    artifact: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_event_type(self.type)
