"""A manifest listing read one page ahead of the pull that works through it."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from kamld.transfer.listing import _one_ahead


def test_every_item_arrives_in_order_and_the_next_is_fetched_meanwhile():
    produced: list[int] = []
    fetched = threading.Condition()

    def pages():
        for number in range(5):
            with fetched:
                produced.append(number)
                fetched.notify_all()
            yield number

    seen = []
    for number in _one_ahead(pages()):
        seen.append(number)
        if number < 4:
            # While the caller still holds this page, the next one is being fetched.
            with fetched:
                assert fetched.wait_for(lambda n=number: n + 1 in produced, timeout=10)
    assert seen == [0, 1, 2, 3, 4]


def test_a_failure_reaches_the_caller_after_the_pages_before_it():
    def pages():
        yield "first"
        raise ConnectionError("the listing broke off")

    reader = _one_ahead(pages())
    assert next(reader) == "first"
    with pytest.raises(ConnectionError, match="broke off"):
        next(reader)


def test_a_caller_that_stops_early_leaves_no_thread_behind():
    # The threads alive before, not their count: one left by an earlier test may end meanwhile.
    before = set(threading.enumerate())
    reader = _one_ahead(itertools.count())
    assert next(reader) == 0
    assert set(threading.enumerate()) - before, "the read-ahead runs on a thread of its own"
    reader.close()
    deadline = time.monotonic() + 10
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not set(threading.enumerate()) - before
