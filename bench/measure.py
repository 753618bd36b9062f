"""Timing and peak-memory measurement of whole commands and of running services."""

from __future__ import annotations

import os
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


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(
    cmd: list[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Measured:
    """Run ``cmd`` to completion; return its wall time and the peak RSS of its process tree.

    What earlier steps left unwritten is flushed first, untimed: otherwise a tool that makes its
    writes durable (the local object store syncs its file system) would also pay for writing back
    the gigabytes the step before it left in the page cache, and one that does not would not.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=dict(env) if env else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    ps = psutil.Process(proc.pid)
    peak = 0
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),
    ]
    for t in readers:
        t.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(ps))
        time.sleep(0.02)
    for t in readers:
        t.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:3])} … failed ({proc.returncode}): {b''.join(err_chunks).decode(errors='replace')[-2000:]}"
        )
    return Measured(seconds, peak, b"".join(out_chunks).decode(errors="replace"))


class ServiceMemoryWatch:
    """Samples the RSS of long-running service processes in the background and keeps each one's peak."""

    def __init__(self, pids: Mapping[str, int], interval_s: float = 0.1) -> None:
        self._procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peaks: dict[str, int] = dict.fromkeys(pids, 0)
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, proc in self._procs.items():
                self.peaks[name] = max(self.peaks[name], _tree_rss(proc))
            self._stop.wait(self._interval)

    def __enter__(self) -> ServiceMemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def mb(value: float) -> float:
    return value / 1_000_000


def fmt_ratio(values: Iterable[float]) -> str:
    return " / ".join(f"{v:.2f}x" for v in values)
