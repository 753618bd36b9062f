"""One run's command as a process group of its own, at a lower CPU priority, ending with the trainer.

Cancel and timeout send SIGTERM to the whole group, then SIGKILL after a grace period
(as ``mlflow/projects`` local runs do). The child asks Linux for SIGKILL when the trainer dies
(``PR_SET_PDEATHSIG``), so a trainer killed outright leaves no run behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import resource
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

PR_SET_PDEATHSIG = 1


def _child_setup(nice: int, memory_mb: int | None) -> Callable[[], None]:
    def setup() -> None:
        if sys.platform == "linux":
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if nice:
            os.nice(nice)
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return setup


class RunProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls,
        command: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log: BinaryIO,
        nice: int,
        memory_mb: int | None,
    ) -> RunProcess:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=_child_setup(nice, memory_mb),
        )
        return cls(process)

    async def wait(self, timeout_s: float | None = None) -> int | None:
        """The exit code (negative: the signal), or None if still running after ``timeout_s``."""
        try:
            return await asyncio.wait_for(asyncio.shield(self.process.wait()), timeout_s)
        except TimeoutError:
            return None

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    async def stop(self, grace_s: float) -> int:
        """SIGTERM to the group, SIGKILL to it after ``grace_s``; the exit code."""
        self._signal_group(signal.SIGTERM)
        code = await self.wait(grace_s)
        self._signal_group(signal.SIGKILL)  # also ends children that outlived their parent
        if code is None:
            code = await self.process.wait()
        return code


def kill_leftover_group(pgid: int, run_id: str) -> bool:
    """SIGKILL a process group a previous trainer started for ``run_id``, if it still runs."""
    try:
        environ = Path(f"/proc/{pgid}/environ").read_bytes()
    except OSError:
        return False
    if f"KAMLD_RUN_ID={run_id}".encode() not in environ.split(b"\0"):
        return False  # the id was reused by an unrelated process
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    return True


def describe_exit(code: int) -> str:
    if code >= 0:
        return f"exited with code {code}"
    name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
    hint = " (out of memory?)" if -code == signal.SIGKILL else ""
    return f"killed by {name}{hint}"
