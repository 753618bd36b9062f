"""Timing and peak-memory measurement of whole commands and of running services."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass
class Measured:
    seconds: float
    peak_rss: int
    stdout: str
    synced_after_s: float = 0.0
    """How long ``sync`` took right after the command: writing back what it left in the page cache,
    and flushing the disk's own write cache (where direct writes may still sit)."""


def _peak_rss(pid: int) -> int:
    """The kernel's high-water mark of one process's resident memory (``VmHWM``), in bytes.

    Read once instead of sampled: polling ``/proc`` for a process tree every few milliseconds
    cost a tenth of a core on a two-core machine, which slowed whatever was being measured.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def run_measured(
    cmd: list[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Measured:
    """Run ``cmd`` to completion; return its wall time, the peak RSS of its largest process, and how
    long writing back what it left unwritten took.

    The peak comes from ``wait4``: the kernel keeps the high-water mark of the command and of every
    descendant it waited for, so nothing is sampled while the command runs.

    What earlier steps left unwritten is flushed first, untimed: otherwise a tool that makes its
    writes durable (the local object store syncs its file system) would also pay for writing back
    the gigabytes the step before it left in the page cache, and one that does not would not.
    That write-back is timed right after the command, apart from its wall time: a tool that
    acknowledges only durable data (kamld's ingest) has paid it already, one that leaves its
    writes in the cache (``cp``, DVC) has not.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=dict(env) if env else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    stdout, stderr = proc.stdout, proc.stderr
    assert stdout is not None and stderr is not None  # both are pipes
    readers = [
        threading.Thread(target=lambda: out_chunks.append(stdout.read()), daemon=True),
        threading.Thread(target=lambda: err_chunks.append(stderr.read()), daemon=True),
    ]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    if proc.returncode != 0:
        said = (b"".join(err_chunks) or b"".join(out_chunks)).decode(errors="replace")[-2000:].strip()
        raise RuntimeError(
            f"{' '.join(cmd[:3])} … failed ({proc.returncode}): {said or '(it printed nothing)'}"
            f" [{shutil.disk_usage(cwd or '.').free >> 20} MiB free on its disk]"
        )
    synced = time.perf_counter()
    os.sync()
    synced_after_s = time.perf_counter() - synced
    return Measured(
        seconds, usage.ru_maxrss * 1024, b"".join(out_chunks).decode(errors="replace"), synced_after_s
    )


class ServiceMemoryWatch:
    """Keeps each long-running service's peak RSS: the sum of its processes' high-water marks.

    The processes of each service (uvicorn workers included) are looked up once a second, and
    each one's ``VmHWM`` is read then and at the end; summing per-process peaks can only
    overstate the service's simultaneous peak, never understate it.
    """

    def __init__(self, pids: Mapping[str, int], interval_s: float = 1.0) -> None:
        self._roots = {name: psutil.Process(pid) for name, pid in pids.items()}
        self._seen: dict[str, dict[int, int]] = {name: {} for name in pids}
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for name, root in self._roots.items():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            seen = self._seen[name]
            for pid in {*seen, *(p.pid for p in procs)}:
                seen[pid] = max(seen.get(pid, 0), _peak_rss(pid))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self._interval)

    @property
    def peaks(self) -> dict[str, int]:
        return {name: sum(seen.values()) for name, seen in self._seen.items()}

    def __enter__(self) -> ServiceMemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def mb(value: float) -> float:
    return value / 1_000_000


def fmt_ratio(values: Iterable[float]) -> str:
    return " / ".join(f"{v:.2f}x" for v in values)
