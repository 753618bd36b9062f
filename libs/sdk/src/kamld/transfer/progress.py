"""Progress reports of a transfer, and the thread-safe counters that make them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Where a transfer stands: ``phase`` is scan, upload, deduplicated, commit or download.

    Counts are bytes. For ``deduplicated``, ``done`` is how many of the ``total`` bytes checked
    against the server so far it already had (or the push holds twice), so need not be sent.
    """

    phase: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


class _Counter:
    """A thread-safe byte counter that reports progress as it grows."""

    def __init__(self, phase: str, total: int, progress: ProgressCallback | None) -> None:
        self.phase, self.total, self.progress = phase, total, progress
        self.done = 0
        self._lock = threading.Lock()

    def add(self, amount: int) -> None:
        with self._lock:
            self.done += amount
            done = self.done
        if self.progress is not None:
            self.progress(Progress(self.phase, done, self.total))


class _Checked:
    """Bytes checked against the server so far, and how many of them need not be sent.

    Reported once a window's answer is in, so the deduplicated count never runs ahead of what the
    server has actually been asked (a count derived from bytes scanned minus bytes queued would
    call every scanned byte not yet asked about deduplicated).
    """

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.bytes = 0
        self.deduplicated = 0

    def add(self, checked: int, deduplicated: int) -> None:
        self.bytes += checked
        self.deduplicated += deduplicated
        if self.progress is not None:
            self.progress(Progress("deduplicated", self.deduplicated, self.bytes))
