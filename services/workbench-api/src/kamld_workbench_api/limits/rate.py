"""Per-token request rates, shared by every worker process of one gateway through a mapped file.

Each token's budget is a GCRA (generic cell rate algorithm) cell: one number, the time its next
request is due at the sustained rate. A request may run ahead of that time by ``burst - 1``
intervals; beyond that it waits, and the answer says for how long. Updates take an exclusive
``flock`` on the file, so two workers admitting the same token at once never lose a request.
Tokens share cells by hash, as write epochs do: a collision only makes two tokens share a budget.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SLOTS = 4096
_CELL = struct.Struct("<d")


class RateLimiter:
    """``per_s`` requests a second per key, ``burst`` of them at once; cells in ``path`` or private."""

    def __init__(
        self,
        per_s: float,
        burst: int,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_s = per_s
        self.burst = burst
        self.interval = 1.0 / per_s
        self.tolerance = self.interval * (burst - 1)
        self.clock = clock
        self._fd: int | None = None
        if path is None:
            self._cells: mmap.mmap | bytearray = bytearray(SLOTS * _CELL.size)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked():
            if os.fstat(self._fd).st_size < SLOTS * _CELL.size:
                os.ftruncate(self._fd, SLOTS * _CELL.size)
        self._cells = mmap.mmap(self._fd, SLOTS * _CELL.size, mmap.MAP_SHARED)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def acquire(self, key: str) -> float:
        """0 when a request of ``key`` may run now (and counts it), else the seconds until one may."""
        offset = (zlib.crc32(key.encode()) % SLOTS) * _CELL.size
        with self._locked():
            now = self.clock()
            due = _CELL.unpack_from(self._cells, offset)[0]
            if due - now > self.tolerance + self.interval:
                # Written under another clock (before a reboot): start the budget afresh.
                due = now
            due = max(due, now)
            if due - now > self.tolerance:
                return due - now - self.tolerance
            _CELL.pack_into(self._cells, offset, due + self.interval)
            return 0.0
