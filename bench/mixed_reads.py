"""Mixed catalog reads through the gateway: N clients showing an artifact, reading its version log
and listing the files of a 1,000-file version, all at once.

Each route gets its share of the connections (``show``, ``log`` and ``files`` a third each) and is
reported with its own p50/p99; the whole load's p99 is reported as the largest of the three, which
is never below the true p99 of all requests together. Two loads, as in :mod:`bench.resolve_load`:
a closed loop (the most requests per second served) and a paced load offering a fixed total rate
(the latency at that rate). The baseline, measured in the same run on the same platform, is the
gateway's ``/healthz`` under the same closed loop: what one request costs the gateway before it
does any work, so the ratio says how close the mixed reads come to the gateway's own ceiling.

With ``wrk`` installed each route's load is a ``wrk`` process of its own (started together, one
thread each); without it the load comes from an httpx client in this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from bench.resolve_load import WRK_PACING, WRK_REPORT, Schedule

ARTIFACT = "mixed-bench"
FILES = 1000
VERSIONS = 5


def routes(name: str) -> dict[str, str]:
    """The three reads, by the short name the report uses."""
    return {
        "show": f"/api/v1/artifacts/{name}",
        "log": f"/api/v1/artifacts/{name}/versions",
        "files": f"/api/v1/artifacts/{name}/versions/latest/files",
    }


@dataclass
class RouteResult:
    route: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


@dataclass
class MixedResult:
    offered_rps: float | None
    routes: list[RouteResult]
    generator: str
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)
    seconds: float = field(init=False)

    def __post_init__(self) -> None:
        self.seconds = max(r.seconds for r in self.routes)

    @property
    def rps(self) -> float:
        return sum(r.rps for r in self.routes)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.routes)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.routes)

    @property
    def p99_ms(self) -> float:
        """An upper bound of the p99 of all requests: at most 1% of each route's are slower."""
        return max(r.p99_ms for r in self.routes)


def prepare(platform) -> tuple[str, str]:
    """Push ``VERSIONS`` versions of a ``FILES``-file tree (each changing one file) and create a
    viewer token; returns (artifact name, token)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        for number in range(FILES):
            path = data / f"part-{number // 100:02d}" / f"file-{number:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"file {number}\n")
        for version in range(1, VERSIONS + 1):
            (data / "part-00" / "file-0000.txt").write_text(f"version {version}\n")
            platform.kamld("push", str(data), ARTIFACT, "-m", f"v{version}", "--json")
    created = platform.kamld("token", "create", "mixed-bench-viewer", "--role", "viewer", "--json")
    return ARTIFACT, json.loads(created.stdout)["token"]


def _split(total: float, parts: int) -> list[float]:
    base = [total // parts] * parts
    for index in range(int(total - sum(base))):
        base[index] += 1
    return base


def _wrk_command(
    wrk: str, script: Path, url: str, token: str, connections: int, duration_s: float
) -> list[str]:
    return [
        wrk,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{duration_s:.0f}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
        "--header",
        f"Authorization: Bearer {token}",
        url,
    ]


def _with_wrk(
    wrk: str,
    base_url: str,
    token: str,
    paths: dict[str, str],
    duration_s: float,
    concurrency: int,
    rate: float | None,
) -> list[RouteResult]:
    """One wrk per route, started together; each offers its share of ``rate`` when paced."""
    connections = _split(concurrency, len(paths))
    rates = [rate / len(paths)] * len(paths) if rate else [None] * len(paths)
    with tempfile.TemporaryDirectory() as tmp:
        running = []
        for (route, path), share, route_rate in zip(paths.items(), connections, rates, strict=True):
            script = Path(tmp) / f"{route}.lua"
            pacing = WRK_PACING.replace("INTERVAL_MS", f"{1000 / route_rate:.4f}") if route_rate else ""
            script.write_text(pacing + WRK_REPORT)
            command = _wrk_command(wrk, script, base_url + path, token, int(share), duration_s)
            running.append(
                (route, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            )
        results = []
        for route, process in running:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"wrk for {route} failed: {stderr[-1000:]}")
            report = json.loads(stdout.strip().splitlines()[-1])
            results.append(
                RouteResult(
                    route,
                    report["requests"],
                    report["errors"],
                    report["seconds"],
                    report["p50_us"] / 1000,
                    report["p99_us"] / 1000,
                )
            )
    return results


async def _worker(client, path, stop_at, latencies, errors, schedule) -> None:
    while time.perf_counter() < stop_at:
        if schedule:
            await schedule.wait_for_slot()
        start = time.perf_counter()
        try:
            ok = (await client.get(path)).status_code == 200
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - start)
        if not ok:
            errors.append(1)


async def _with_httpx(
    base_url: str, token: str, paths: dict[str, str], duration_s: float, concurrency: int, rate: float | None
) -> list[RouteResult]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=10) as client:
        latencies: dict[str, list[float]] = {route: [] for route in paths}
        errors: dict[str, list[int]] = {route: [] for route in paths}
        start = time.perf_counter()
        stop_at = start + duration_s
        workers = []
        for (route, path), share in zip(paths.items(), _split(concurrency, len(paths)), strict=True):
            schedule = Schedule(rate / len(paths)) if rate else None
            workers += [
                _worker(client, path, stop_at, latencies[route], errors[route], schedule)
                for _ in range(int(share))
            ]
        await asyncio.gather(*workers)
        seconds = time.perf_counter() - start
    results = []
    for route in paths:
        ordered = sorted(latencies[route]) or [0.0]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        results.append(
            RouteResult(
                route,
                len(latencies[route]),
                len(errors[route]),
                seconds,
                statistics.median(ordered) * 1000,
                p99 * 1000,
            )
        )
    return results


def service_cpu_s(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user and system) each service's processes have used so far, workers included."""
    totals: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        totals[name] = total
    return totals


def load(
    base_url: str,
    token: str,
    paths: dict[str, str],
    *,
    duration_s: float,
    concurrency: int,
    rate: float | None,
    pids: dict[str, int] | None = None,
) -> MixedResult:
    """One load over ``paths`` (a closed loop when ``rate`` is None), from wrk or else httpx, with
    the CPU each service in ``pids`` spent per request: unlike rates and latencies, that hardly
    depends on what else the machine runs."""
    wrk = shutil.which("wrk")
    before = service_cpu_s(pids or {})
    if wrk:
        measured = _with_wrk(wrk, base_url, token, paths, duration_s, concurrency, rate)
    else:
        measured = asyncio.run(_with_httpx(base_url, token, paths, duration_s, concurrency, rate))
    after = service_cpu_s(pids or {})
    result = MixedResult(rate, measured, "wrk" if wrk else "httpx", os.getloadavg())
    requests = max(1, result.requests)
    result.cpu_ms_per_request = {
        name: (after[name] - before[name]) * 1000 / requests for name in after if name in before
    }
    return result


def run(
    platform, *, duration_s: float, concurrency: int, rate: float
) -> tuple[MixedResult, list[MixedResult]]:
    """Prepare the artifact, check every route answers, then measure the baseline (``/healthz``, a
    closed loop) and the mixed reads (a closed loop, then paced at ``rate``)."""
    name, token = prepare(platform)
    paths = routes(name)
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {token}"}) as check:
        for path in paths.values():
            check.get(path).raise_for_status()
        files = check.get(paths["files"]).json()["items"]
        if len(files) != FILES:
            raise RuntimeError(f"the listing of {name}:latest has {len(files)} files, expected {FILES}")
    pids = platform.service_pids()
    baseline = load(
        platform.url,
        token,
        {"healthz": "/healthz"},
        duration_s=duration_s,
        concurrency=concurrency,
        rate=None,
        pids=pids,
    )
    mixed = [
        load(
            platform.url,
            token,
            paths,
            duration_s=duration_s,
            concurrency=concurrency,
            rate=offered,
            pids=pids,
        )
        for offered in (None, rate)
    ]
    return baseline, mixed


def _cpu_line(result: MixedResult) -> str:
    spent = {name: ms for name, ms in result.cpu_ms_per_request.items() if ms >= 0.005}
    if not spent:
        return ""
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in sorted(spent.items()))
    return f"    service CPU per request: {sum(spent.values()):.2f} ms ({parts})"


def report(engine: str, concurrency: int, baseline: MixedResult, mixed: list[MixedResult]) -> list[str]:
    """The lines printed for one engine."""
    cpus = os.cpu_count()
    lines = [
        f"mixed reads on {engine}, baseline GET /healthz, {concurrency} clients, closed loop: "
        f"{baseline.rps:.0f} req/s, p50 {baseline.routes[0].p50_ms:.1f} ms, p99 {baseline.p99_ms:.1f} ms",
        _cpu_line(baseline),
    ]
    for result in mixed:
        load_name = (
            f"paced at {result.offered_rps:.0f} req/s offered" if result.offered_rps else "closed loop"
        )
        lines.append(
            f"mixed reads on {engine} (show, log, files of a {FILES}-file version), {concurrency} clients, "
            f"{load_name}: {result.rps:.0f} req/s ({result.rps / baseline.rps:.2f}x of /healthz), "
            f"p99 {result.p99_ms:.1f} ms, {result.errors} errors over {result.requests} requests "
            f"(load from {result.generator}; load average after the run "
            f"{', '.join(f'{v:.1f}' for v in result.load_average)} on {cpus} CPUs)"
        )
        for route in result.routes:
            lines.append(
                f"    {route.route:>5}: {route.rps:.0f} req/s, p50 {route.p50_ms:.1f} ms, "
                f"p99 {route.p99_ms:.1f} ms, {route.errors} errors"
            )
        lines.append(_cpu_line(result))
    return [line for line in lines if line]
