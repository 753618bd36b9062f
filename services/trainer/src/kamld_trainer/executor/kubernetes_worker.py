"""Drives ``kubernetes`` runs: submits a Job for each queued run, follows running ones to the end.

Unlike local runs, a running Job outlives a trainer restart, so on start-up nothing is failed:
the next poll finds each Job by its run's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog

from kamld_common.db import Database
from kamld_trainer.executor.kubernetes import JobConfig, KubernetesJobs, render_job
from kamld_trainer.runs.logs import RunFiles
from kamld_trainer.runs.models import RunRecord
from kamld_trainer.runs.repository import SqlRunRepository
from kamld_trainer.runs.schemas import Run, RunStatus
from kamld_trainer.runs.service import move

log = structlog.get_logger("kamld_trainer.kubernetes")
EXECUTOR = "kubernetes"
RUNNING = [RunStatus.running.value]


def now() -> datetime:
    return datetime.now(UTC)


class KubernetesWorker:
    def __init__(
        self,
        database: Database,
        files: RunFiles,
        jobs: KubernetesJobs,
        config: JobConfig,
        *,
        poll_interval_s: float,
        default_timeout_s: int,
    ) -> None:
        self.database = database
        self.files = files
        self.jobs = jobs
        self.config = config
        self.poll_interval_s = poll_interval_s
        self.default_timeout_s = default_timeout_s
        self.wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run_loop(), name="trainer-kubernetes")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    async def _run_loop(self) -> None:
        while True:
            try:
                await self._submit_queued()
                await self._follow_running()
            except Exception:  # noqa: BLE001 - the loop must outlive an API server hiccup
                log.exception("following Kubernetes runs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_interval_s)
            self.wake.clear()

    async def _change(self, run_id: uuid.UUID, from_status: list[str], **values: Any) -> bool:
        async with self.database.unit_of_work() as session:
            return await SqlRunRepository(session).change(run_id, from_status, updated_at=now(), **values)

    async def _move(self, record: RunRecord, before: RunStatus, after: RunStatus, **values: Any) -> bool:
        """Change the run's status and record the event, in one transaction."""
        async with self.database.unit_of_work() as session:
            return await move(
                session, SqlRunRepository(session), record, before, after, updated_at=now(), **values
            )

    async def _submit_queued(self) -> None:
        async with self.database.unit_of_work() as session:
            queued = await SqlRunRepository(session).in_status(RunStatus.queued.value, EXECUTOR, 100)
        for record in queued:
            started = now()
            if not await self._move(record, RunStatus.queued, RunStatus.running, started_at=started):
                continue
            manifest = render_job(Run.of(record).model_dump(mode="json"), self.config, self.default_timeout_s)
            try:
                await asyncio.to_thread(self.jobs.submit, manifest)
            except Exception as exc:  # noqa: BLE001 - any refusal by the API server fails the run, named
                await self._move(
                    record,
                    RunStatus.running,
                    RunStatus.failed,
                    error=f"creating the Job failed: {exc}",
                    finished_at=now(),
                )
                continue
            await self._change(record.id, RUNNING, command_started_at=now())

    async def _follow_running(self) -> None:
        async with self.database.unit_of_work() as session:
            running = await SqlRunRepository(session).in_status(RunStatus.running.value, EXECUTOR, 1000)
        for record in running:
            run_id = str(record.id)
            if record.cancel_requested:
                await asyncio.to_thread(self.jobs.cancel, run_id)
                await self._move(
                    record, RunStatus.running, RunStatus.cancelled, error="cancelled", finished_at=now()
                )
                continue
            text = await asyncio.to_thread(self.jobs.logs, run_id)
            if text:
                self.files.log_path(record.id).write_text(text)
            state = await asyncio.to_thread(self.jobs.state, run_id)
            if state.status == "succeeded":
                await self._move(
                    record,
                    RunStatus.running,
                    RunStatus.succeeded,
                    output_version=state.output_version,
                    finished_at=now(),
                )
            elif state.status == "failed":
                await self._move(
                    record, RunStatus.running, RunStatus.failed, error=state.error, finished_at=now()
                )
