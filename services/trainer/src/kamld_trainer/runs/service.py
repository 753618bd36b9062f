"""Queuing, reading, cancelling and tracking runs; knows nothing of HTTP.

Executing runs is the executor's (:mod:`kamld_trainer.executor`); this module records what was
asked and what happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, Invalid, NotFound
from kamld_common.paging import Page, page_of
from kamld_trainer.recipes import check_params, get_recipe
from kamld_trainer.runs.models import MetricRecord, RunRecord
from kamld_trainer.runs.repository import RunFilter, RunRepository, SqlRunRepository
from kamld_trainer.runs.schemas import FinishIn, MetricPoint, Metrics, Run, RunIn, RunStatus, TrackIn

ACTIVE = (RunStatus.queued.value, RunStatus.running.value)
EXECUTORS_HERE = ("local", "external")


def utc_now() -> datetime:
    return datetime.now(UTC)


def _run_id(text: str) -> uuid.UUID | None:
    """The run id ``text`` spells, or None when it is not even a UUID."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def last_values(points: Iterable[MetricRecord]) -> dict[str, float]:
    """The value at the highest step of each metric (the latest logged on a tie)."""
    best: dict[str, tuple[int, int, float]] = {}
    for point in points:
        rank = (point.step, point.seq or 0)
        if point.key not in best or rank >= best[point.key][:2]:
            best[point.key] = (*rank, point.value)
    return {key: value for key, (_, _, value) in sorted(best.items())}


class RunService:
    """Each method is one unit of work of ``database`` (see :mod:`kamld_common.db`)."""

    def __init__(
        self,
        database: Database,
        repository: Callable[[AsyncSession], RunRepository] = SqlRunRepository,
        clock: Callable[[], datetime] = utc_now,
        executors: Iterable[str] = EXECUTORS_HERE,
    ) -> None:
        self.database = database
        self.repository = repository
        self.clock = clock
        self.executors = tuple(executors)

    def _checked_params(self, spec: RunIn) -> dict[str, Any]:
        if spec.recipe is None:
            return dict(spec.params)
        recipe = get_recipe(spec.recipe)
        if len(spec.inputs) < recipe.min_inputs:
            raise Invalid(
                f"recipe {recipe.name} needs at least {recipe.min_inputs} input",
                field=["body", "inputs"],
                code="missing_input",
            )
        return check_params(recipe, spec.params)

    async def queue(self, spec: RunIn, retry_of: uuid.UUID | None = None) -> Run:
        """Record a new run, waiting to be executed (a run tracked by hand starts ``running``)."""
        if spec.executor not in self.executors:
            raise Invalid(
                f"executor {spec.executor!r} is not configured on this trainer "
                f"(available: {', '.join(self.executors)})",
                field=["body", "executor"],
                code="executor_unavailable",
            )
        params = self._checked_params(spec)
        now = self.clock()
        external = spec.executor == "external"
        record = RunRecord(
            id=uuid.uuid4(),
            name=spec.name or (spec.recipe or (spec.entrypoint or ["run"])[0])[:200],
            artifact=spec.output or "",
            inputs=[item.model_dump() for item in spec.inputs],
            command=list(spec.entrypoint or []),
            params=params,
            status=RunStatus.running.value if external else RunStatus.queued.value,
            recipe=spec.recipe,
            code=spec.code.model_dump() if spec.code else None,
            resources=spec.resources.model_dump(),
            executor=spec.executor,
            creator=spec.creator,
            logged_params={},
            final_metrics={},
            bytes_downloaded=0,
            cancel_requested=False,
            retry_of=retry_of,
            created_at=now,
            updated_at=now,
            started_at=now if external else None,
        )
        async with self.database.unit_of_work() as session:
            return Run.of(await self.repository(session).add(record))

    async def _record(self, session: AsyncSession, run_id: str) -> RunRecord:
        parsed = _run_id(run_id)
        record = await self.repository(session).get(parsed) if parsed is not None else None
        if record is None:
            raise NotFound(f"no run {run_id!r}", code="run_not_found")
        return record

    async def get(self, run_id: str) -> Run:
        """The run named ``run_id``; an id that is not even a UUID is just as unknown."""
        async with self.database.unit_of_work() as session:
            return Run.of(await self._record(session, run_id))

    async def status(self, run_id: str) -> RunStatus:
        async with self.database.unit_of_work() as session:
            return RunStatus((await self._record(session, run_id)).status)

    async def page(
        self,
        *,
        status: RunStatus | None,
        artifact: str | None,
        creator: str | None = None,
        input_ref: str | None = None,
        after: str | None,
        limit: int,
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
                status=status.value if status else None,
                artifact=artifact,
                creator=creator,
                input=input_ref,
                before_seq=before_seq,
            )
            rows = await runs.newest(where, limit + 1)
        return page_of([Run.of(row) for row in rows], limit, lambda run: str(run.id))

    async def cancel(self, run_id: str) -> Run:
        """A queued run is cancelled at once; a running one is asked to stop (its executor ends it)."""
        now = self.clock()
        async with self.database.unit_of_work() as session:
            record = await self._record(session, run_id)
            runs = self.repository(session)
            if record.status == RunStatus.queued.value or (
                record.executor == "external" and record.status == RunStatus.running.value
            ):
                await runs.change(
                    record.id,
                    ACTIVE,
                    status=RunStatus.cancelled.value,
                    error="cancelled",
                    finished_at=now,
                    updated_at=now,
                )
            elif record.status == RunStatus.running.value:
                await runs.change(record.id, ACTIVE, cancel_requested=True, updated_at=now)
            else:
                raise Conflict(f"run {run_id} already {record.status}", code="run_finished")
            await session.refresh(record)
            return Run.of(record)

    async def retry(self, run_id: str, creator: str) -> Run:
        """A new run with the same spec (the same pinned inputs) as a finished one."""
        async with self.database.unit_of_work() as session:
            record = await self._record(session, run_id)
        if not RunStatus(record.status).finished or record.executor == "external":
            raise Conflict(
                f"run {run_id} is {record.status}; only a finished run is retried", code="run_active"
            )
        spec = RunIn(
            name=record.name,
            recipe=record.recipe,
            code=record.code,
            entrypoint=record.command or None,
            inputs=record.inputs,
            params=record.params,
            output=record.artifact or None,
            resources=record.resources,
            executor=record.executor,
            creator=creator or record.creator,
        )
        return await self.queue(spec, retry_of=record.id)

    async def track(self, run_id: str, body: TrackIn) -> Run:
        """Add metrics and params to a running run."""
        now = self.clock()
        async with self.database.unit_of_work() as session:
            record = await self._record(session, run_id)
            if record.status != RunStatus.running.value:
                raise Conflict(f"run {run_id} is {record.status}, not running", code="run_not_running")
            await self._add_tracking(session, record, body, now)
            return Run.of(record)

    async def _add_tracking(
        self, session: AsyncSession, record: RunRecord, body: TrackIn, now: datetime
    ) -> None:
        runs = self.repository(session)
        points = [
            MetricRecord(run_id=record.id, key=m.key, step=m.step, value=m.value, at=now)
            for m in body.metrics
        ]
        if points:
            await runs.add_metrics(points)
            record.final_metrics = last_values(await runs.metrics(record.id))
        if body.params:
            record.logged_params = {**(record.logged_params or {}), **body.params}
        record.updated_at = now
        await session.flush()

    async def finish(self, run_id: str, body: FinishIn) -> Run:
        """End a run tracked by hand."""
        now = self.clock()
        async with self.database.unit_of_work() as session:
            record = await self._record(session, run_id)
            if record.executor != "external":
                raise Conflict(
                    "only a run tracked by hand is finished by its caller", code="run_not_external"
                )
            changed = await self.repository(session).change(
                record.id,
                [RunStatus.running.value],
                status=body.status,
                output_version=body.output_version,
                artifact=body.output_version.split(":", 1)[0] if body.output_version else record.artifact,
                error=body.error,
                finished_at=now,
                updated_at=now,
            )
            if not changed:
                raise Conflict(f"run {run_id} already {record.status}", code="run_finished")
            await session.refresh(record)
            return Run.of(record)

    async def metrics(self, run_id: str) -> Metrics:
        async with self.database.unit_of_work() as session:
            record = await self._record(session, run_id)
            points = await self.repository(session).metrics(record.id)
        series: dict[str, list[MetricPoint]] = {}
        for point in points:
            series.setdefault(point.key, []).append(
                MetricPoint(step=point.step, value=point.value, at=point.at)
            )
        return Metrics(run_id=record.id, series=series)
