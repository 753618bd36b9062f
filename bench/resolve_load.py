"""Load test of reference resolution through the gateway: N concurrent clients for a fixed time.

Two loads, each reported with throughput and p50/p99 latency:

- *closed loop*: every client sends its next request as soon as the last one is answered. This
  finds the most requests per second the platform serves, but its latency is only the queue those
  N clients build (by Little's law, p50 is about N / throughput), so it says nothing about latency
  at a given rate;
- *paced*: the same N clients together offer a fixed rate (each waits a random interval averaging
  N / rate between requests), which is how a latency objective such as "p99 < 50 ms at 500
  requests/s" is measured. A platform slower than the rate cannot keep up and the achieved rate
  shows it.

The load comes from ``wrk`` when it is installed (a C generator that leaves the CPU to the services
under test) and otherwise from an httpx client in this process, which costs about as much CPU as
the gateway itself and so lowers the figures on a small machine; the result says which was used.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    generator: str = "httpx"
    offered_rps: float | None = None
    exact: bool = False
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def _prepare(platform) -> tuple[str, str]:
    """Push a small artifact and create a viewer token; returns (artifact name, token)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        (data / "a.txt").write_text("resolve me\n")
        platform.kamld("push", str(data), "resolve-bench", "-m", "seed", "--json")
    created = platform.kamld("token", "create", "resolve-bench-viewer", "--role", "viewer", "--json")
    return "resolve-bench", json.loads(created.stdout)["token"]


class Schedule:
    """Slots at ``rate`` per second (random gaps averaging 1 / rate) shared by every client."""

    def __init__(self, rate: float) -> None:
        self.interval_s = 1 / rate
        self.slot = time.perf_counter()

    async def wait_for_slot(self) -> None:
        now = time.perf_counter()
        self.slot = max(self.slot, now) + 2 * random.random() * self.interval_s
        await asyncio.sleep(self.slot - now)


async def _worker(
    client: httpx.AsyncClient,
    path: str,
    stop_at: float,
    latencies: list[float],
    errors: list[int],
    schedule: Schedule | None,
):
    while time.perf_counter() < stop_at:
        if schedule:
            await schedule.wait_for_slot()
        start = time.perf_counter()
        try:
            response = await client.get(path)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - start)
        if not ok:
            errors.append(1)


async def _load(
    url: str, token: str, name: str, duration_s: float, concurrency: int, rate: float | None, exact: bool
) -> LoadResult:
    path = f"/api/v1/artifacts/{name}/versions/latest"
    latencies: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers=_headers(token, exact), limits=limits, timeout=10
    ) as client:
        warm = await client.get(path)
        warm.raise_for_status()
        start = time.perf_counter()
        stop_at = start + duration_s
        schedule = Schedule(rate) if rate else None
        await asyncio.gather(
            *(_worker(client, path, stop_at, latencies, errors, schedule) for _ in range(concurrency))
        )
        seconds = time.perf_counter() - start
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return LoadResult(
        len(latencies),
        len(errors),
        seconds,
        statistics.median(ordered) * 1000,
        p99 * 1000,
        offered_rps=rate,
        exact=exact,
    )


# wrk calls done() once at the end; it prints the figures as one JSON line for _load_with_wrk to read.
# With pacing, delay() gives every request the next free slot of one schedule at the offered rate
# (random gaps averaging INTERVAL_MS), so the rate holds whatever the latency, as long as some
# connection is free; a platform that cannot keep up shows as an achieved rate below the offer.
WRK_PACING = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } kamld_timespec;
int clock_gettime(int clk_id, kamld_timespec *tp);
]]
local clock = ffi.new("kamld_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local slot = nil
function delay()
  local now = now_ms()
  if slot == nil or slot < now then slot = now end
  slot = slot + 2 * math.random() * INTERVAL_MS
  return slot - now
end
"""
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %d, "errors": %d, "seconds": %f, "p50_us": %f, "p99_us": %f}\\n',
    summary.requests, errors, summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
"""


def _load_with_wrk(
    wrk: str,
    url: str,
    token: str,
    name: str,
    duration_s: float,
    concurrency: int,
    rate: float | None,
    exact: bool,
) -> LoadResult:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        pacing = WRK_PACING.replace("INTERVAL_MS", f"{1000 / rate:.4f}") if rate else ""
        script.write_text(pacing + WRK_REPORT)
        completed = subprocess.run(
            [
                wrk,
                "--threads",
                "1",
                "--connections",
                str(concurrency),
                "--duration",
                f"{duration_s:.0f}s",
                "--timeout",
                "10s",
                "--script",
                str(script),
                *(
                    arg
                    for key, value in _headers(token, exact).items()
                    for arg in ("--header", f"{key}: {value}")
                ),
                f"{url}/api/v1/artifacts/{name}/versions/latest",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return LoadResult(
        report["requests"],
        report["errors"],
        report["seconds"],
        report["p50_us"] / 1000,
        report["p99_us"] / 1000,
        generator="wrk",
        offered_rps=rate,
        exact=exact,
    )


def _headers(token: str, exact: bool) -> dict[str, str]:
    """The bearer token, and with ``exact`` the ``no-cache`` that makes the gateway resolve afresh
    (what the CLI and SDK send) instead of answering from its one-second cache."""
    return {"Authorization": f"Bearer {token}", **({"Cache-Control": "no-cache"} if exact else {})}


def run_loads(
    platform, *, duration_s: float, concurrency: int, loads: list[tuple[float | None, bool]]
) -> list[LoadResult]:
    """Prepare the artifact and token, then load the gateway once per ``(rate, exact)``: a rate of
    ``None`` is a closed loop; ``exact`` sends ``Cache-Control: no-cache``. wrk, or httpx without it."""
    name, token = _prepare(platform)
    wrk = shutil.which("wrk")
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {token}"}) as warm:
        warm.get(f"/api/v1/artifacts/{name}/versions/latest").raise_for_status()
    results = []
    for rate, exact in loads:
        if wrk:
            result = _load_with_wrk(wrk, platform.url, token, name, duration_s, concurrency, rate, exact)
        else:
            result = asyncio.run(_load(platform.url, token, name, duration_s, concurrency, rate, exact))
        result.load_average = os.getloadavg()
        results.append(result)
    return results
