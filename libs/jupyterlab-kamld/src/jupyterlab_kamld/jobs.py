"""Pushes and pulls run by the SDK in the Jupyter server's process, as jobs the browser polls.

A job runs in a worker thread with a fresh :class:`kamld.Client` (``KAMLD_URL``/``KAMLD_TOKEN``
or the CLI config, read when the job starts), records the SDK's progress reports, and ends
``succeeded`` with the SDK's result or ``failed`` with a problem-details body. Only the newest
jobs are kept.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kamld
from jupyterlab_kamld.problems import from_client_error, problem
from kamld.errors import KamldClientError
from kamld.transfer import Progress

log = logging.getLogger("jupyterlab_kamld")
KEPT_JOBS = 200
WORKERS = 4


@dataclass
class Job:
    id: str
    action: str
    target: str
    """The artifact pushed to, or the reference pulled."""
    path: str
    """The folder, relative to the Jupyter root."""
    state: str = "running"
    phase: str = "starting"
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, progress: Progress) -> None:
        with self.lock:
            self.phase, self.done, self.total = progress.phase, progress.done, progress.total

    def finish(self, result: dict[str, Any] | None, failure: dict[str, Any] | None) -> None:
        with self.lock:
            self.result, self.problem = result, failure
            self.state = "failed" if failure else "succeeded"
            self.phase = "done"
            self.finished_at = time.time()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "id": self.id,
                "action": self.action,
                "target": self.target,
                "path": self.path,
                "state": self.state,
                "progress": {"phase": self.phase, "done": self.done, "total": self.total},
                "result": self.result,
                "problem": self.problem,
                "started_at": self.started_at,
                "finished_at": self.finished_at,
            }


class Jobs:
    """The jobs of one Jupyter server."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kamld-job")

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def push(
        self,
        directory: Path,
        relative: str,
        name: str,
        message: str,
        kind: str | None,
        inputs: Sequence[tuple[str, str]],
    ) -> Job:
        def run(client: kamld.Client, job: Job) -> dict[str, Any]:
            pushed = client.push(directory, name, message, kind=kind, inputs=inputs, progress=job.report)
            return pushed.to_dict()

        return self._start("push", name, relative, run)

    def pull(self, reference: str, directory: Path, relative: str, force: bool) -> Job:
        def run(client: kamld.Client, job: Job) -> dict[str, Any]:
            directory.mkdir(parents=True, exist_ok=True)
            pulled = client.pull(reference, directory, force=force, progress=job.report)
            answer = pulled.to_dict()
            answer["directory"] = relative
            return answer

        return self._start("pull", reference, relative, run)

    def _start(
        self, action: str, target: str, relative: str, run: Callable[[kamld.Client, Job], dict[str, Any]]
    ) -> Job:
        job = Job(id=secrets.token_hex(8), action=action, target=target, path=relative)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, run)
        return job

    @staticmethod
    def _run(job: Job, run: Callable[[kamld.Client, Job], dict[str, Any]]) -> None:
        try:
            with kamld.Client() as client:
                result = run(client, job)
        except KamldClientError as exc:
            job.finish(None, from_client_error(exc))
        except OSError as exc:
            job.finish(None, problem(409, "file_error", f"{exc.strerror or exc}: {exc.filename or job.path}"))
        except Exception:
            log.exception("kamld %s job %s failed", job.action, job.id)
            job.finish(None, problem(500, "internal_error", f"the {job.action} failed; see the server log"))
        else:
            job.finish(result, None)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
