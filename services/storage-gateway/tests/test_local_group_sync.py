"""Batches share file system flushes, and none returns before a flush that started after it asked."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from kamld_storage_gateway.objectstore.local import GroupSync


class RecordedFlushes:
    """A flush that takes ``seconds`` and records when each one started and ended."""

    def __init__(self, seconds: float = 0.0, fail: int = 0) -> None:
        self.seconds = seconds
        self.fail = fail
        self.clock = itertools.count()
        self.spans: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def now(self) -> int:
        with self.lock:
            return next(self.clock)

    def __call__(self) -> None:
        started = self.now()
        time.sleep(self.seconds)
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise OSError(5, "Input/output error")
        self.spans.append((started, self.now()))


def test_one_caller_at_a_time_gets_a_flush_each() -> None:
    flushes = RecordedFlushes()
    group = GroupSync(flushes)
    for _ in range(3):
        group.sync()
    assert group.flushes == len(flushes.spans) == 3


def test_concurrent_callers_share_flushes_that_started_after_they_asked() -> None:
    flushes = RecordedFlushes(seconds=0.05)
    group = GroupSync(flushes)
    waits: list[tuple[int, int]] = []

    def batch() -> None:
        asked = flushes.now()
        group.sync()
        waits.append((asked, flushes.now()))

    threads = [threading.Thread(target=batch) for _ in range(12)]
    for thread in threads:
        thread.start()
        time.sleep(0.005)  # arrivals spread over the first flushes
    for thread in threads:
        thread.join()
    assert len(waits) == 12
    for asked, returned in waits:
        # Some flush began after this caller asked and ended before it returned.
        assert any(asked < start and end < returned for start, end in flushes.spans), (asked, flushes.spans)
    assert group.flushes == len(flushes.spans) < 12  # shared, not one each
    starts_and_ends = sorted(flushes.spans)
    for (_, end), (next_start, _) in itertools.pairwise(starts_and_ends):
        assert end < next_start  # one flush at a time


def test_a_failed_flush_covers_nobody_and_its_waiters_flush_again() -> None:
    flushes = RecordedFlushes(seconds=0.05, fail=1)
    group = GroupSync(flushes)
    errors: list[OSError] = []

    def batch() -> None:
        try:
            group.sync()
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=batch) for _ in range(4)]
    for thread in threads:
        thread.start()
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    assert len(errors) == 1  # the one that ran the failing flush
    assert group.flushes == len(flushes.spans) >= 1  # the others waited for a good one


def test_every_caller_sees_the_error_when_the_file_system_keeps_failing() -> None:
    group = GroupSync(RecordedFlushes(fail=10))
    for _ in range(2):
        with pytest.raises(OSError, match="Input/output error"):
            group.sync()
    assert group.flushes == 0
