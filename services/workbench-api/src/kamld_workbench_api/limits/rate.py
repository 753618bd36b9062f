"""Per-token request rates, shared by every worker process of one gateway through a mapped file.

Each token's budget is a GCRA (generic cell rate algorithm) cell: one number, the time its next
request is due at the sustained rate. A request may run ahead of that time by ``burst - 1``
intervals; beyond that it waits, and the answer says for how long. Updates take an exclusive
``flock`` on the file, so two workers admitting the same token at once never lose a request.
Tokens share cells by hash, as write epochs do: a collision only makes two tokens share a budget.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from pathlib import Path

from kamld_workbench_api.shared_cells import SharedCells


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
        self._cells = SharedCells(path, struct.Struct("<d"))

    def acquire(self, key: str) -> float:
        """0 when a request of ``key`` may run now (and counts it), else the seconds until one may."""
        offset = self._cells.offset(key)
        with self._cells.locked():
            now = self.clock()
            due = self._cells.read(offset)
            if due - now > self.tolerance + self.interval:
                # Written under another clock (before a reboot): start the budget afresh.
                due = now
            due = max(due, now)
            if due - now > self.tolerance:
                return due - now - self.tolerance
            self._cells.write(offset, due + self.interval)
            return 0.0
