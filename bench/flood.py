"""``python -m bench.flood``: reference resolutions while anonymous clients flood the gateway.

One run, one platform (``kamld up`` in a home of its own):

1. *baseline*: authenticated clients resolve ``GET /api/v1/artifacts/{name}/versions/latest``
   with ``Cache-Control: no-cache`` at a paced rate (``--rate`` over ``--concurrency``
   connections) for ``--duration`` seconds;
2. *flood*: the same load while ``--flood`` anonymous connections (half sending request headers
   of up to 128 MiB, half announcing 400 MB JSON bodies and streaming them) reconnect as soon as
   the gateway closes them. The flood runs in a process of its own at a lower priority
   (``--flood-nice``): on one machine it competes with the services for the same CPUs, which an
   attacker's machine would not, and pushing gigabytes through the loopback costs the sender
   more than the gateway that refuses them.

It prints both loads' throughput, p50 and p99 and errors, the flood's figures divided by the
baseline's, what the flood was answered, the CPU time the gateway and the whole machine (by
kind: user, niced, kernel, softirq, idle) spent in each phase, and every
service's peak resident memory (the sum of its processes' high-water marks) after each phase.
Timings depend on the machine; compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

from bench.__main__ import Platform
from bench.measure import ServiceMemoryWatch, mb
from bench.resolve_load import LoadResult, _load, _prepare

HEADER_FLOOD_BYTES = 128 * 1024 * 1024
BODY_FLOOD_BYTES = 400 * 1000 * 1000
PIECE = b"a" * 65536


async def _answer_status(reader: asyncio.StreamReader) -> str:
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
    except (TimeoutError, ConnectionError, OSError):
        return "nothing: closed before the answer was read"
    parts = line.split()
    return parts[1].decode() if len(parts) > 1 else "nothing: closed before the answer was read"


async def _flood_connection(host: str, port: int, kind: str, stop_at: float, answers: Counter) -> None:
    """Open, send an oversized header (``kind == "header"``) or body, read the answer; again."""
    while time.monotonic() < stop_at:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            answers["connect failed"] += 1
            await asyncio.sleep(0.05)
            continue
        if kind == "header":
            writer.write(b"GET /api/v1/artifacts HTTP/1.1\r\nHost: gateway\r\nX-Flood: ")
            total = HEADER_FLOOD_BYTES
        else:
            writer.write(
                b"POST /api/v1/artifacts HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {BODY_FLOOD_BYTES}\r\n\r\n".encode()
                + b'{"name": "'
            )
            total = BODY_FLOOD_BYTES
        sent = 0
        try:
            while sent < total and time.monotonic() < stop_at:
                writer.write(PIECE)
                await writer.drain()
                sent += len(PIECE)
        except (ConnectionError, OSError):
            pass
        answers[f"{kind} flood answered {await _answer_status(reader)}"] += 1
        answers[f"{kind} flood bytes sent"] += sent
        writer.close()


def _flood(host: str, port: int, connections: int, seconds: float, nice: int, results) -> None:  # noqa: ANN001
    os.nice(nice)
    answers: Counter = Counter()
    stop_at = time.monotonic() + seconds

    async def run() -> None:
        kinds = ["header" if i % 2 == 0 else "body" for i in range(connections)]
        await asyncio.gather(*(_flood_connection(host, port, kind, stop_at, answers) for kind in kinds))

    asyncio.run(run())
    results.put(dict(answers))


def _cpu_seconds(root: psutil.Process) -> float:
    """User and system CPU time of ``root`` and its children (uvicorn's workers)."""
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _machine_seconds(before) -> dict[str, float]:  # noqa: ANN001
    """CPU seconds of the whole machine since ``before``, by kind: where a flood's cost lands that
    no process is charged for (the kernel's network processing runs as softirq)."""
    after = psutil.cpu_times()
    return {
        kind: getattr(after, kind) - getattr(before, kind)
        for kind in ("user", "nice", "system", "softirq", "idle")
        if hasattr(after, kind)
    }


def _line(label: str, result: LoadResult) -> str:
    return (
        f"{label}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"{result.errors} errors over {result.requests} requests"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__)
    parser.add_argument("--port-base", type=int, default=18180)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of each phase")
    parser.add_argument("--concurrency", type=int, default=10, help="authenticated connections")
    parser.add_argument("--rate", type=float, default=100.0, help="offered resolutions a second")
    parser.add_argument("--flood", type=int, default=20, help="anonymous flooding connections")
    parser.add_argument("--flood-nice", type=int, default=10, help="niceness of the flooding process")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kamld-flood-") as home:
        with Platform(Path(home) / "home", args.port_base) as platform:
            name, token = _prepare(platform)
            with ServiceMemoryWatch(platform.service_pids()) as watch:
                load = (platform.url, token, name, args.duration, args.concurrency, args.rate, True)
                gateway = psutil.Process(platform.service_pids()["workbench-api"])
                cpu_before, machine_before = _cpu_seconds(gateway), psutil.cpu_times()
                baseline = asyncio.run(_load(*load))
                baseline_cpu = _cpu_seconds(gateway) - cpu_before
                baseline_machine = _machine_seconds(machine_before)
                baseline_peaks = dict(watch.peaks)
                results = multiprocessing.get_context("spawn").Queue()
                flood = multiprocessing.get_context("spawn").Process(
                    target=_flood,
                    args=(
                        "127.0.0.1",
                        args.port_base,
                        args.flood,
                        args.duration + 2,
                        args.flood_nice,
                        results,
                    ),
                )
                flood.start()
                time.sleep(1)
                cpu_before, machine_before = _cpu_seconds(gateway), psutil.cpu_times()
                flooded = asyncio.run(_load(*load))
                flood_cpu = _cpu_seconds(gateway) - cpu_before
                flood_machine = _machine_seconds(machine_before)
                answers = results.get(timeout=args.duration + 60)
                flood.join()
            flood_peaks = watch.peaks

    print(
        f"reference resolution, {args.concurrency} authenticated connections offering {args.rate:.0f} "
        f"req/s with no-cache, {args.duration:.0f} s a phase, on {os.cpu_count()} CPUs:"
    )
    print(_line("  baseline (no flood)", baseline))
    print(_line(f"  under a flood of {args.flood} anonymous connections", flooded))
    print(
        f"  flood / baseline: p50 x{flooded.p50_ms / baseline.p50_ms:.2f}, "
        f"p99 x{flooded.p99_ms / baseline.p99_ms:.2f}, req/s x{flooded.rps / baseline.rps:.2f}"
    )
    print(
        f"  workbench-api CPU: {baseline_cpu:.1f} s in the baseline, {flood_cpu:.1f} s under the flood "
        f"(x{flood_cpu / max(baseline_cpu, 0.01):.2f})"
    )
    for label, machine in (("baseline", baseline_machine), ("flood", flood_machine)):
        print(f"  machine CPU in the {label}: " + ", ".join(f"{k} {v:.1f} s" for k, v in machine.items()))
    print(f"flood (niceness {args.flood_nice}), per connection:")
    for key, value in sorted(answers.items()):
        shown = f"{mb(value):.1f} MB" if key.endswith("bytes sent") else str(value)
        print(f"  {key}: {shown}")
    print("peak resident memory per service (sum of its processes' high-water marks):")
    for service in sorted(flood_peaks):
        print(
            f"  {service}: {mb(baseline_peaks.get(service, 0)):.0f} MB after the baseline, "
            f"{mb(flood_peaks[service]):.0f} MB after the flood"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
