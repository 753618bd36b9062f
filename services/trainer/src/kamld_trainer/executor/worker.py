"""The local executor: claims queued runs (up to ``pool_size`` at once) and carries each through

environment -> inputs -> command -> output pushed as a model version -> final status.

A run changes status only by an atomic ``move`` from the status it is expected to be in (which
records the change's event in the same transaction), so a cancel that lands while a run is being
claimed or finished is never lost or applied twice. On start-up, runs a previous trainer left
``running`` end as failed ("interrupted"): their process died with it (see :mod:`.process`), and
their partial output was never pushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import shutil
import uuid
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from kamld_common.db import Database
from kamld_trainer.executor.catalog import Catalog
from kamld_trainer.executor.content import ContentCache
from kamld_trainer.executor.environments import EnvironmentCache, EnvironmentFailed
from kamld_trainer.executor.outputs import run_metadata, version_links
from kamld_trainer.executor.process import RunProcess, describe_exit, kill_leftover_group
from kamld_trainer.recipes import SCRIPTS, TRACKING_HELPER, get_recipe
from kamld_trainer.runs.logs import RunFiles
from kamld_trainer.runs.models import RunRecord
from kamld_trainer.runs.repository import SqlRunRepository
from kamld_trainer.runs.schemas import MetricIn, RunStatus, TrackIn
from kamld_trainer.runs.service import RunService, move

log = structlog.get_logger("kamld_trainer.executor")

TAIL_LINES = 30
INTERRUPTED = "interrupted: the trainer stopped while the run was running"
RUNNING = [RunStatus.running.value]
NO_OUTPUT = "no output: the run wrote nothing to $KAMLD_OUTPUT_DIR"


def now() -> datetime:
    return datetime.now(UTC)


def log_tail(path: Path, lines: int = TAIL_LINES) -> str:
    try:
        with path.open("r", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines)).rstrip()
    except FileNotFoundError:
        return ""


class RunFailed(Exception):
    """The run cannot succeed; the message is the run's ``error``."""


class LocalWorker:
    def __init__(
        self,
        database: Database,
        runs: RunService,
        files: RunFiles,
        environments: EnvironmentCache,
        content: ContentCache,
        catalog: Catalog,
        *,
        pool_size: int,
        nice: int,
        cancel_grace_s: float,
        poll_interval_s: float,
        default_timeout_s: int,
    ) -> None:
        self.database = database
        self.runs = runs
        self.files = files
        self.environments = environments
        self.content = content
        self.catalog = catalog
        self.pool_size = pool_size
        self.nice = nice
        self.cancel_grace_s = cancel_grace_s
        self.poll_interval_s = poll_interval_s
        self.default_timeout_s = default_timeout_s
        self.active: dict[uuid.UUID, asyncio.Task[None]] = {}
        self.wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    # lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        await self.recover()
        self._loop = asyncio.create_task(self._run_loop(), name="trainer-executor")

    async def stop(self) -> None:
        """Stop claiming; running runs are stopped and end as failed ("interrupted")."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        for task in list(self.active.values()):
            task.cancel()
        for task in list(self.active.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def recover(self) -> None:
        """Runs left ``running`` by a previous trainer: their group killed, failed as interrupted."""
        async with self.database.unit_of_work() as session:
            repository = SqlRunRepository(session)
            for record in await repository.in_status(RunStatus.running.value, "local", 10_000):
                pgid = self.files.read_pgid(record.id)
                if pgid is not None:
                    kill_leftover_group(pgid, str(record.id))
                await move(
                    session,
                    repository,
                    record,
                    RunStatus.running,
                    RunStatus.failed,
                    details={"interrupted": True},
                    error=INTERRUPTED,
                    finished_at=now(),
                    updated_at=now(),
                )
                self.files.clean_work(record.id)
                log.warning("run interrupted", run_id=str(record.id))

    async def _run_loop(self) -> None:
        while True:
            try:
                await self._claim()
            except Exception:  # noqa: BLE001 - the loop must outlive a database hiccup
                log.exception("claiming runs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_interval_s)
            self.wake.clear()

    async def _claim(self) -> None:
        free = self.pool_size - len(self.active)
        if free <= 0:
            return
        async with self.database.unit_of_work() as session:
            repository = SqlRunRepository(session)
            candidates = await repository.in_status(RunStatus.queued.value, "local", free)
            claimed = []
            for record in candidates:
                started = now()
                if await move(
                    session,
                    repository,
                    record,
                    RunStatus.queued,
                    RunStatus.running,
                    started_at=started,
                    updated_at=started,
                ):
                    claimed.append(record)
        for record in claimed:
            task = asyncio.create_task(self._execute(record), name=f"run-{record.id}")
            self.active[record.id] = task
            task.add_done_callback(functools.partial(self._finished_task, record.id))

    def _finished_task(self, run_id: uuid.UUID, _: asyncio.Task[None]) -> None:
        self._done(run_id)

    def _done(self, run_id: uuid.UUID) -> None:
        self.active.pop(run_id, None)
        self.wake.set()

    # one run -----------------------------------------------------------------------------------

    async def _finish(
        self, run_id: uuid.UUID, status: RunStatus, details: dict[str, Any] | None = None, **values: Any
    ) -> None:
        async with self.database.unit_of_work() as session:
            repository = SqlRunRepository(session)
            record = await repository.get(run_id)  # read again: who asked to cancel it, if anyone
            if record is not None:
                await move(
                    session,
                    repository,
                    record,
                    RunStatus.running,
                    status,
                    details=details,
                    finished_at=now(),
                    updated_at=now(),
                    **values,
                )

    async def _set(self, run_id: uuid.UUID, **values: Any) -> None:
        async with self.database.unit_of_work() as session:
            await SqlRunRepository(session).change(run_id, RUNNING, updated_at=now(), **values)

    async def _cancel_requested(self, run_id: uuid.UUID) -> bool:
        async with self.database.unit_of_work() as session:
            record = await SqlRunRepository(session).get(run_id)
        return record is None or record.cancel_requested or record.status != RunStatus.running.value

    async def _execute(self, record: RunRecord) -> None:
        run_id = record.id
        log_path = self.files.log_path(run_id)
        work = self.files.work_dir(run_id)
        try:
            with log_path.open("ab", buffering=0) as out:
                outcome = await self._carry_out(record, work, out)
            if outcome is not None:
                status, values = outcome
                await self._finish(run_id, status, **values)
        except asyncio.CancelledError:
            await asyncio.shield(
                self._finish(run_id, RunStatus.failed, {"interrupted": True}, error=INTERRUPTED)
            )
            raise
        except RunFailed as exc:
            await self._finish(run_id, RunStatus.failed, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a run's failure must never stop the executor
            log.exception("run failed in the executor", run_id=str(run_id))
            await self._finish(run_id, RunStatus.failed, error=f"executor error: {exc}")
        finally:
            self.files.clean_work(run_id)

    async def _carry_out(
        self, record: RunRecord, work: Path, out: Any
    ) -> tuple[RunStatus, dict[str, Any]] | None:
        run_id = record.id
        shutil.rmtree(work, ignore_errors=True)
        output_dir, inputs_dir, code_dir = work / "output", work / "inputs", work / "code"
        for folder in (output_dir, inputs_dir, code_dir):
            folder.mkdir(parents=True)

        # inputs, then code (from the shared content cache)
        downloaded = 0
        input_dirs: dict[str, str] = {}
        for item in record.inputs:
            out.write(f"input {item['ref']} as {item['role']}\n".encode())
            cached, count = await self.content.materialize(item["ref"], item["digest"])
            downloaded += count
            link = inputs_dir / item["role"]
            link.symlink_to(cached, target_is_directory=True)
            input_dirs[item["role"]] = str(link)
        if record.code:
            cached, count = await self.content.materialize(record.code["ref"], record.code["digest"])
            downloaded += count
            shutil.copytree(cached, code_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".kamld"))
        await self._set(run_id, bytes_downloaded=downloaded)
        out.write(f"inputs ready ({downloaded} bytes downloaded)\n".encode())

        # environment and command
        if record.recipe:
            recipe = get_recipe(record.recipe)
            requirements: list[str] = list(recipe.requirements)
            # the recipe's script and the helpers it imports
            shutil.copytree(
                SCRIPTS, code_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
            command = ["python", recipe.script_path.name]
        else:
            listing = code_dir / "requirements.txt"
            requirements = listing.read_text().splitlines() if listing.is_file() else []
            command = list(record.command)
            shutil.copy(TRACKING_HELPER, code_dir / TRACKING_HELPER.name)
        try:
            venv = await self.environments.ensure(requirements, out)
        except EnvironmentFailed as exc:
            raise RunFailed(f"environment: {exc}\n{log_tail(self.files.log_path(run_id))}") from exc
        if await self._cancel_requested(run_id):
            return RunStatus.cancelled, {"error": "cancelled"}

        tracking = work / "tracking.jsonl"
        env = self._environment(record, venv, work, code_dir, output_dir, input_dirs, tracking)
        shown = f"$ {' '.join(command)}"
        if command[0] == "python":
            command[0] = str(venv / "bin" / "python")
            shown += f"  (python of environment {venv.name})"
        resources = record.resources or {}
        timeout_s = float(resources.get("timeout_s") or self.default_timeout_s)
        out.write(f"{shown}\n".encode())
        try:
            process = await RunProcess.start(
                command, cwd=code_dir, env=env, log=out, nice=self.nice, memory_mb=resources.get("memory_mb")
            )
        except OSError as exc:
            raise RunFailed(f"cannot start {command[0]}: {exc.strerror or exc}") from exc
        self.files.write_pgid(run_id, process.pid)
        await self._set(run_id, command_started_at=now())

        reader = TrackingReader(tracking)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        stop_reason: str | None = None
        code: int | None = None
        try:
            while code is None:
                code = await process.wait(self.poll_interval_s)
                await self._track(run_id, reader)
                if code is not None:
                    break
                if await self._cancel_requested(run_id):
                    stop_reason = "cancelled"
                elif loop.time() > deadline:
                    stop_reason = f"timed out after {timeout_s:g} s"
                if stop_reason:
                    out.write(f"{stop_reason}: stopping the run\n".encode())
                    code = await process.stop(self.cancel_grace_s)
        except asyncio.CancelledError:
            await asyncio.shield(process.stop(min(self.cancel_grace_s, 5.0)))
            raise
        await self._track(run_id, reader)
        self.files.clear_pgid(run_id)
        tail = log_tail(self.files.log_path(run_id))

        if stop_reason == "cancelled":
            return RunStatus.cancelled, {"error": "cancelled", "exit_code": code}
        if stop_reason:
            raise_failed = f"{stop_reason}\n{tail}"
            return RunStatus.failed, {"error": raise_failed, "exit_code": code}
        if code != 0:
            return RunStatus.failed, {"error": f"{describe_exit(code)}\n{tail}", "exit_code": code}
        if not any(output_dir.iterdir()):
            return RunStatus.failed, {
                "error": "no output: the run wrote nothing to $KAMLD_OUTPUT_DIR",
                "exit_code": 0,
            }

        out.write(f"pushing the output as a new version of {record.artifact}\n".encode())
        async with self.database.unit_of_work() as session:
            latest = await SqlRunRepository(session).get(run_id)
        assert latest is not None
        metadata = run_metadata(
            str(run_id),
            recipe=record.recipe,
            code=record.code,
            entrypoint=record.command,
            params=record.params,
            logged_params=latest.logged_params or {},
            metrics=latest.final_metrics or {},
        )
        links = version_links(record.inputs, record.code)
        try:
            version = await self.catalog.push(
                output_dir, record.artifact, message=f"run {run_id}", inputs=links, metadata=metadata
            )
        except Exception as exc:  # noqa: BLE001 - any refusal of the push fails the run, named
            raise RunFailed(f"pushing the output failed: {exc}") from exc
        out.write(f"registered {version}\n".encode())
        return RunStatus.succeeded, {"output_version": version, "exit_code": 0}

    def _environment(
        self,
        record: RunRecord,
        venv: Path,
        work: Path,
        code_dir: Path,
        output_dir: Path,
        input_dirs: dict[str, str],
        tracking: Path,
    ) -> dict[str, str]:
        """The platform's own settings and secrets stay out: the run gets only what it needs."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("KAMLD_", "OTEL_", "VIRTUAL_ENV"))}
        return {
            **base,
            "PATH": f"{venv / 'bin'}{os.pathsep}{base.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(code_dir),
            "KAMLD_RUN_ID": str(record.id),
            "KAMLD_RUN_DIR": str(work),
            "KAMLD_PARAMS": json.dumps(record.params),
            "KAMLD_INPUTS": json.dumps(input_dirs),
            "KAMLD_INPUTS_DIR": str(work / "inputs"),
            "KAMLD_OUTPUT_DIR": str(output_dir),
            "KAMLD_TRACKING_FILE": str(tracking),
        }

    async def _track(self, run_id: uuid.UUID, reader: TrackingReader) -> None:
        body = reader.read()
        if body.metrics or body.params:
            with contextlib.suppress(Exception):
                await self.runs.track(str(run_id), body)


class TrackingReader:
    """Reads the complete JSON lines a run appended to its tracking file since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def read(self) -> TrackIn:
        metrics: list[MetricIn] = []
        params: dict[str, Any] = {}
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return TrackIn()
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].splitlines():
            try:
                record = json.loads(line)
                if record.get("type") == "metric":
                    metrics.append(
                        MetricIn(key=record["key"], value=record["value"], step=record.get("step", 0))
                    )
                elif record.get("type") == "param":
                    params[str(record["key"])] = record["value"]
            except (ValueError, KeyError, TypeError):
                continue  # a malformed line is skipped, never fatal
        return TrackIn(metrics=metrics, params=params)
