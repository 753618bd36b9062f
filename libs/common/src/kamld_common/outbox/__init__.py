"""The transactional outbox every producing service shares (see docs/observability.md).

A producer declares the two tables on its own declarative base (:mod:`.model`), writes an event
with :func:`record_event` on the session of the business change (so the event commits with it or
not at all), and runs an :class:`OutboxRelay` that delivers committed events to observation-hub at
least once, oldest first, retrying with exponential backoff and jitter; observation-hub drops
duplicates by event id.
"""

from kamld_common.outbox.events import EVENT_TYPES, EventDraft, check_event_type
from kamld_common.outbox.lease import Lease
from kamld_common.outbox.model import OutboxLeaseMixin, OutboxRecordMixin, create_outbox_tables
from kamld_common.outbox.record import current_trace_id, record_event
from kamld_common.outbox.relay import HttpEventSink, OutboxRelay, OutboxSettings, install_outbox

__all__ = [
    "EVENT_TYPES",
    "EventDraft",
    "HttpEventSink",
    "Lease",
    "OutboxLeaseMixin",
    "OutboxRecordMixin",
    "OutboxRelay",
    "OutboxSettings",
    "check_event_type",
    "create_outbox_tables",
    "current_trace_id",
    "install_outbox",
    "record_event",
]
