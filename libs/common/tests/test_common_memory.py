"""Freed heap memory is handed back once requests stop, and never while one is running."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
import time

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from kamld_common import app as app_module
from kamld_common.app import create_service_app
from kamld_common.memory import RequestActivity, malloc_trim
from kamld_common.settings import ServiceSettings


@pytest.mark.skipif(malloc_trim() is None, reason="this C library has no malloc_trim (not glibc)")
def test_malloc_trim_hands_freed_heap_memory_back() -> None:
    """The effect the service relies on, in a process of its own: holes in the heap stay resident
    after they are freed, until ``malloc_trim`` gives them back."""
    script = textwrap.dedent(
        """
        from kamld_common.memory import malloc_trim

        def resident_mb():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024

        blocks = [b"\\1" * (100 << 10) for _ in range(2000)]  # ~200 MB, below the mmap threshold
        top = b"\\1" * (100 << 10)  # allocated last: keeps the freed blocks from being the heap's top
        del blocks
        freed = resident_mb()
        malloc_trim()()
        print(freed, resident_mb())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    freed, trimmed = map(int, out.split())
    assert freed - trimmed >= 150, (freed, trimmed)


def test_activity_is_idle_only_after_requests_and_the_quiet_period() -> None:
    now = [100.0]
    activity = RequestActivity(clock=lambda: now[0])
    assert not activity.idle_for(1.0)  # nothing ran yet: nothing to give back
    activity.started()
    now[0] += 5
    assert not activity.idle_for(1.0)  # in flight, however long
    activity.ended()
    now[0] += 0.5
    assert not activity.idle_for(1.0)
    now[0] += 0.5
    assert activity.idle_for(1.0)


def test_a_service_releases_memory_once_after_requests_stop(serve, monkeypatch) -> None:
    released: list[float] = []
    monkeypatch.setattr(app_module, "malloc_trim", lambda: lambda: released.append(time.monotonic()))
    app: FastAPI = create_service_app(
        settings=ServiceSettings(service_name="memory-demo", memory_release_idle_s=0.2),
        version="1",
        title="demo",
        description="demo",
    )

    @app.get("/slow")
    async def slow() -> StreamingResponse:
        async def pieces():
            for _ in range(8):
                yield b"x" * 1024
                await asyncio.sleep(0.1)

        return StreamingResponse(pieces())

    url = serve(app)
    time.sleep(0.5)
    assert released == []  # no request yet

    answer: list[httpx.Response] = []
    streaming = threading.Thread(target=lambda: answer.append(httpx.get(url + "/slow", timeout=10)))
    streaming.start()
    time.sleep(0.6)
    assert released == []  # the answer is still streaming, four quiet periods in
    streaming.join()
    ended = time.monotonic()
    assert len(answer[0].content) == 8 * 1024

    deadline = ended + 3
    while not released and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(released) == 1
    assert released[0] - ended >= 0.15  # only after the quiet period
    time.sleep(0.6)
    assert len(released) == 1  # once per burst, not every period
