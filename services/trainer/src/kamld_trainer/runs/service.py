"""Queuing and reading runs; knows nothing of HTTP.

Runs are recorded with status ``queued``; executing them is not part of this service yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Invalid, NotFound
from kamld_common.paging import Page, page_of
from kamld_trainer.runs.models import RunRecord
from kamld_trainer.runs.repository import RunFilter, RunRepository, SqlRunRepository
from kamld_trainer.runs.schemas import Run, RunIn, RunStatus


def utc_now() -> datetime:
    return datetime.now(UTC)


def _run_id(text: str) -> uuid.UUID | None:
    """The run id ``text`` spells, or None when it is not even a UUID."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


class RunService:
    """Each method is one unit of work of ``database`` (see :mod:`kamld_common.db`)."""

    def __init__(
        self,
        database: Database,
        repository: Callable[[AsyncSession], RunRepository] = SqlRunRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
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
        async with self.database.unit_of_work() as session:
            return Run.model_validate(await self.repository(session).add(record))

    async def get(self, run_id: str) -> Run:
        """The run named ``run_id``; an id that is not even a UUID is just as unknown."""
        parsed = _run_id(run_id)
        async with self.database.unit_of_work() as session:
            record = await self.repository(session).get(parsed) if parsed is not None else None
            if record is None:
                raise NotFound(f"no run {run_id!r}", code="run_not_found")
            return Run.model_validate(record)

    async def page(
        self, *, status: RunStatus | None, artifact: str | None, after: str | None, limit: int
    ) -> Page[Run]:
        """Newest first; ``after`` is the id of the last run of the previous page."""
        async with self.database.unit_of_work() as session:
            runs = self.repository(session)
            before_seq = None
            if after:
                anchor_id = _run_id(after)
                anchor = await runs.get(anchor_id) if anchor_id is not None else None
                if anchor is None:
                    raise Invalid(
                        f"no run {after!r} to page after", field=["query", "after"], code="unknown_cursor"
                    )
                before_seq = anchor.seq
            where = RunFilter(
                status=status.value if status else None, artifact=artifact, before_seq=before_seq
            )
            rows = await runs.newest(where, limit + 1)
        return page_of([Run.model_validate(row) for row in rows], limit, lambda run: str(run.id))
