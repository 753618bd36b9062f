"""Queuing, reading, cancelling and tracking runs; knows nothing of HTTP.

Executing runs is the executor's (:mod:`kamld_trainer.executor`); this module records what was
asked and what happened. Every change of a run's status goes through :func:`move` (or, for a new
run, :meth:`RunService.queue`), which records its event in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, Invalid, NotFound
from kamld_common.http import ANONYMOUS
from kamld_common.outbox import current_trace_id, record_event
from kamld_common.paging import Page, page_of
from kamld_trainer.recipes import check_params, get_recipe
from kamld_trainer.runs import events
from kamld_trainer.runs.models import MetricRecord, RunRecord
from kamld_trainer.runs.repository import RunFilter, RunRepository, SqlRunRepository
from kamld_trainer.runs.schemas import FinishIn, MetricPoint, Metrics, Run, RunIn, RunStatus, TrackIn

CANCEL_ATTEMPTS = 5
EXECUTORS_HERE = ("local", "external")

RUNS = Counter("kamld_runs", "Runs that reached each status (queued when created)", ["status"])


def utc_now() -> datetime:
    return datetime.now(UTC)


def _run_id(text: str) -> uuid.UUID | None:
    """The run id ``text`` spells, or None when it is not even a UUID."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


async def move(
    session: AsyncSession,
    runs: RunRepository,
    record: RunRecord,
    before: RunStatus,
    after: RunStatus,
    *,
    actor: str | None = None,
    details: dict[str, Any] | None = None,
    **values: Any,
) -> bool:
    """Move the run from ``before`` to ``after`` setting ``values``, and record its event, in
    ``session``'s transaction; False (and nothing recorded) when the run is no longer ``before``.

    The event's actor is ``actor``, else who asked to cancel it (for ``cancelled``), else its
    creator; its trace is the request's, else the one that queued the run.
    """
    if not await runs.change(record.id, [before.value], status=after.value, **values):
        return False
    if actor is None and after is RunStatus.cancelled:
        actor = record.cancelled_by
    draft = events.run_changed(record, before, after, actor or record.creator or ANONYMOUS, values, details)
    await record_event(session, events.OutboxRecord, draft, trace_id=record.trace_id)
    RUNS.labels(status=after.value).inc()
    return True


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

    async def queue(self, spec: RunIn, retry_of: RunRecord | None = None, actor: str = "") -> Run:
        """Record a new run, waiting to be executed (a run tracked by hand starts ``running``), and
        its ``run.created`` event (after ``run.retried`` of ``retry_of``, by ``actor``, for a retry)."""
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
            retry_of=retry_of.id if retry_of is not None else None,
            trace_id=current_trace_id(),
            created_at=now,
            updated_at=now,
            started_at=now if external else None,
        )
        async with self.database.unit_of_work() as session:
            await self.repository(session).add(record)
            if retry_of is not None:
                retried = events.run_retried(retry_of, record, actor or record.creator or ANONYMOUS)
                await record_event(session, events.OutboxRecord, retried)
            await record_event(session, events.OutboxRecord, events.run_created(record))
        RUNS.labels(status=RunStatus.queued.value).inc()
        return Run.of(record)

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

    async def cancel(self, run_id: str, actor: str) -> Run:
        """A queued run is cancelled at once; a running one is asked to stop (its executor ends it).

        Each attempt moves the run from the status it was read in, so a run the executor claims or
        finishes meanwhile is read again rather than changed on a stale view.
        """
        for _ in range(CANCEL_ATTEMPTS):
            now = self.clock()
            async with self.database.unit_of_work() as session:
                record = await self._record(session, run_id)
                runs = self.repository(session)
                status = RunStatus(record.status)
                if status.finished:
                    raise Conflict(f"run {run_id} already {record.status}", code="run_finished")
                if status is RunStatus.queued or record.executor == "external":
                    done = await move(
                        session,
                        runs,
                        record,
                        status,
                        RunStatus.cancelled,
                        actor=actor,
                        error="cancelled",
                        finished_at=now,
                        updated_at=now,
                    )
                else:
                    done = await runs.change(
                        record.id, [status.value], cancel_requested=True, cancelled_by=actor, updated_at=now
                    )
                if done:
                    await session.refresh(record)
                    return Run.of(record)
        raise Conflict(f"run {run_id} kept changing; cancel it again", code="run_busy")

    async def retry(self, run_id: str, creator: str) -> Run:
        """A new run with the same spec (the same pinned inputs) as a finished one, asked for by
        ``creator`` (the original's creator when empty)."""
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
        return await self.queue(spec, retry_of=record, actor=creator)

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
            changed = await move(
                session,
                self.repository(session),
                record,
                RunStatus.running,
                RunStatus(body.status),
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
