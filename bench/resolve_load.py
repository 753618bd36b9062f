"""Load test of reference resolution through the gateway: N concurrent clients for a fixed time."""

from __future__ import annotations

import asyncio
import json
import statistics
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


async def _worker(client: httpx.AsyncClient, path: str, stop_at: float, latencies: list[float], errors: list[int]):
    while time.perf_counter() < stop_at:
        start = time.perf_counter()
        try:
            response = await client.get(path)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - start)
        if not ok:
            errors.append(1)


async def _load(url: str, token: str, name: str, duration_s: float, concurrency: int) -> LoadResult:
    path = f"/api/v1/artifacts/{name}/versions/latest"
    latencies: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=10) as client:
        warm = await client.get(path)
        warm.raise_for_status()
        start = time.perf_counter()
        stop_at = start + duration_s
        await asyncio.gather(*(_worker(client, path, stop_at, latencies, errors) for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return LoadResult(len(latencies), len(errors), seconds, statistics.median(ordered) * 1000, p99 * 1000)


def run_load(platform, *, duration_s: float, concurrency: int) -> LoadResult:
    name, token = _prepare(platform)
    return asyncio.run(_load(platform.url, token, name, duration_s, concurrency))
