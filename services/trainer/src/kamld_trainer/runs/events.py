"""trainer's side of the activity feed: its outbox tables and the events of a run's life.

Each status change records its event on the session of its own transaction (see
:func:`kamld_trainer.runs.service.move`), so the event commits with the change or not at all; the
relay (:mod:`kamld_common.outbox`) delivers it to observation-hub. ``artifact`` is the run's output
artifact, so an artifact's history holds the runs that produce it.
"""

from __future__ import annotations

from typing import Any

from kamld_common.http import ANONYMOUS
from kamld_common.outbox import EventDraft, OutboxLeaseMixin, OutboxRecordMixin
from kamld_trainer.db import Base
from kamld_trainer.runs.models import RunRecord
from kamld_trainer.runs.schemas import RunStatus

ERROR_CHARS = 2000
"""An error keeps its first characters in the event (the run itself keeps it whole)."""

CHANGED = {
    RunStatus.running: "run.started",
    RunStatus.succeeded: "run.succeeded",
    RunStatus.failed: "run.failed",
    RunStatus.cancelled: "run.cancelled",
}


class OutboxRecord(OutboxRecordMixin, Base):
    __tablename__ = "outbox"


class OutboxLease(OutboxLeaseMixin, Base):
    __tablename__ = "outbox_lease"


def subject(record: RunRecord) -> str:
    return f"run:{record.id}"


def _about(record: RunRecord) -> dict[str, Any]:
    return {"run": str(record.id), "name": record.name, "executor": record.executor}


def run_created(record: RunRecord) -> EventDraft:
    """A run was recorded: ``queued``, or ``running`` for a run tracked by hand."""
    after: dict[str, Any] = {
        "status": record.status,
        "output": record.artifact or None,
        "inputs": [str(item["ref"]) for item in record.inputs],
    }
    if record.recipe:
        after["recipe"] = record.recipe
    if record.code:
        after["code"] = record.code["ref"]
    data = _about(record)
    if record.retry_of is not None:
        data["retry_of"] = str(record.retry_of)
    return EventDraft(
        type="run.created",
        actor=record.creator or ANONYMOUS,
        subject=subject(record),
        artifact=record.artifact or None,
        before=None,
        after=after,
        data=data,
    )


def run_changed(
    record: RunRecord,
    before: RunStatus,
    after: RunStatus,
    actor: str,
    values: dict[str, Any],
    details: dict[str, Any] | None = None,
) -> EventDraft:
    """``record`` moved from ``before`` to ``after``, setting ``values`` (its output, error, exit code)."""
    state: dict[str, Any] = {"status": after.value}
    for key in ("output_version", "exit_code"):
        if values.get(key) is not None:
            state[key] = values[key]
    if values.get("error"):
        state["error"] = str(values["error"])[:ERROR_CHARS]
    return EventDraft(
        type=CHANGED[after],
        actor=actor,
        subject=subject(record),
        artifact=values.get("artifact", record.artifact) or None,
        before={"status": before.value},
        after=state,
        data={**_about(record), **(details or {})},
    )


def run_retried(original: RunRecord, retry: RunRecord, actor: str) -> EventDraft:
    """A finished run was queued again as ``retry`` (whose own ``run.created`` follows)."""
    return EventDraft(
        type="run.retried",
        actor=actor,
        subject=subject(original),
        artifact=original.artifact or None,
        before={"status": original.status},
        after={"status": original.status, "retry": str(retry.id)},
        data=_about(original),
    )
