"""Queuing and reading runs; knows nothing of HTTP.

Runs are recorded with status ``queued``; executing them is not part of this service yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from kamld_common.errors import Invalid, NotFound
from kamld_trainer.runs.models import RunRecord
from kamld_trainer.runs.repository import RunFilter, RunRepository
from kamld_trainer.runs.schemas import Run, RunIn, RunPage, RunStatus


def utc_now() -> datetime:
    return datetime.now(UTC)


class RunService:
    def __init__(self, repository: RunRepository, clock: Callable[[], datetime] = utc_now) -> None:
        self.repository = repository
        self.clock = clock

    async def queue(self, spec: RunIn) -> Run:
        """Record a new run, waiting to be executed."""
        now = self.clock()
        record = RunRecord(
            id=uuid.uuid4(),
            name=spec.name,
            artifact=spec.artifact,
            inputs=list(spec.inputs),
            command=list(spec.command),
            params=spec.params,
            status=RunStatus.queued.value,
            created_at=now,
            updated_at=now,
        )
        return Run.model_validate(await self.repository.add(record))

    async def get(self, run_id: str) -> Run:
        """The run named ``run_id``; an id that is not even a UUID is just as unknown."""
        record = None
        try:
            parsed = uuid.UUID(run_id)
        except ValueError:
            parsed = None
        if parsed is not None:
            record = await self.repository.get(parsed)
        if record is None:
            raise NotFound(f"no run {run_id!r}", code="run_not_found")
        return Run.model_validate(record)

    async def page(
        self, *, status: RunStatus | None, artifact: str | None, after: uuid.UUID | None, limit: int
    ) -> RunPage:
        """Newest first; ``after`` is the last run of the previous page."""
        before_seq = None
        if after is not None:
            anchor = await self.repository.get(after)
            if anchor is None:
                raise Invalid(
                    f"no run {str(after)!r} to page after", field=["query", "after"], code="unknown_cursor"
                )
            before_seq = anchor.seq
        where = RunFilter(status=status.value if status else None, artifact=artifact, before_seq=before_seq)
        rows = list(await self.repository.newest(where, limit + 1))
        items = [Run.model_validate(row) for row in rows[:limit]]
        return RunPage(items=items, next_after=items[-1].id if len(rows) > limit else None)
