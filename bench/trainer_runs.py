"""``python -m bench.trainer_runs``: the trainer's local executor on an idle platform.

In one run, against a ``kamld up`` of its own (SQLite, local files), it measures:

1. **queue -> running** of runs submitted to an idle pool with a cached environment and cached
   inputs: ``started_at - created_at`` and ``command_started_at - created_at`` from the run
   records (the trainer's own clock); baseline: starting ``python -c pass`` in the same
   virtualenv from this process (the floor of starting any command);
2. **a second run over the same inputs**: its ``bytes_downloaded`` (target 0) and how long after
   submission its command started (target under 3 s), against the first run over those inputs
   (which downloaded them) as the baseline;
3. **reference resolution while a run keeps both cores busy**: the gateway's
   ``GET …/versions/latest`` paced at ``--rate`` requests/s for ``--duration`` s (see
   ``bench/resolve_load.py``), first on an idle platform (the baseline), then while a run spins
   two busy processes; p99 of both and their ratio (target: p99 under 100 ms while busy).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

import kamld
from bench.resolve_load import _load
from kamld_testing.platform import clean_environment, running_platform
from kamld_testing.processes import env_prefix
from kamld_testing.runs import shared_envs_dir, wait_for_run, wait_until

TRAIN = """\
import json, multiprocessing, os, pathlib, time
spin_s = float(json.loads(os.environ.get("KAMLD_PARAMS", "{}")).get("spin", 0))

def spin(until):
    while time.monotonic() < until:
        pass

if spin_s:
    until = time.monotonic() + spin_s
    workers = [multiprocessing.Process(target=spin, args=(until,)) for _ in range(2)]
    for w in workers:
        w.start()
    print("spinning", flush=True)
    for w in workers:
        w.join()
(pathlib.Path(os.environ["KAMLD_OUTPUT_DIR"]) / "model.txt").write_text("ok\\n")
"""


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def submit(api: httpx.Client, code: str, data: str, output: str, **params: Any) -> dict[str, Any]:
    body = {
        "code": code,
        "entrypoint": ["python", "train.py"],
        "inputs": [f"{data}=train"],
        "params": params,
        "output": output,
    }
    return api.post("/runs", json=body).raise_for_status().json()


def python_start_s(venv_python: Path, times: int = 5) -> float:
    """The median time to start and end ``python -c pass`` in the run environment."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([str(venv_python), "-c", "pass"], check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs for the queue -> running latency")
    parser.add_argument("--data-mb", type=int, default=20, help="size of the input version")
    parser.add_argument("--rate", type=float, default=200.0, help="resolutions per second offered")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each resolution load")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kamld-bench-trainer-") as tmp:
        root = Path(tmp)
        env = clean_environment() | {env_prefix("trainer") + "ENVS_DIR": str(shared_envs_dir())}
        with running_platform(root / "home", env, database="sqlite-local") as platform:
            api = httpx.Client(base_url=platform.gateway + "/api/v1", headers=platform.auth, timeout=60)
            sdk = kamld.Client(platform.gateway, platform.token)
            (root / "code").mkdir()
            (root / "code" / "train.py").write_text(TRAIN)
            (root / "data").mkdir()
            (root / "data" / "blob.bin").write_bytes(bytes(range(256)) * (args.data_mb * 4096))
            code = sdk.push(root / "code", "bench-code", kind="code")
            first_data = sdk.push(root / "data", "bench-data")
            code_ref, data_ref = f"bench-code:{code.name}", f"bench-data:{first_data.name}"

            # warm the environment (no requirements: a bare virtualenv), then a fresh input version
            warm = wait_for_run(api, submit(api, code_ref, data_ref, "bench-warm")["id"])
            assert warm["status"] == "succeeded", warm["error"]
            (root / "data" / "blob.bin").write_bytes(bytes(range(255, -1, -1)) * (args.data_mb * 4096))
            fresh = sdk.push(root / "data", "bench-data")
            fresh_ref = f"bench-data:{fresh.name}"

            # 2. first and second run over the fresh inputs
            first = wait_for_run(api, submit(api, code_ref, fresh_ref, "bench-model")["id"])
            second = wait_for_run(api, submit(api, code_ref, fresh_ref, "bench-model")["id"])
            first_start = seconds_between(first["created_at"], first["command_started_at"])
            second_start = seconds_between(second["created_at"], second["command_started_at"])

            # 1. queue -> running with an idle pool, cached environment and inputs
            claims, commands = [], []
            for _ in range(args.runs):
                run = wait_for_run(api, submit(api, code_ref, fresh_ref, "bench-model")["id"])
                claims.append(seconds_between(run["created_at"], run["started_at"]))
                commands.append(seconds_between(run["created_at"], run["command_started_at"]))
            venv = Path(shared_envs_dir())
            pythons = sorted(venv.glob("*/bin/python"))
            bare = next(p for p in pythons if not (p.parent.parent / "requirements.txt").exists())
            floor = python_start_s(bare)

            # 3. resolution p99, idle then while a run spins two processes
            token = platform.token
            idle = asyncio.run(
                _load(platform.gateway, token, "bench-data", args.duration, 50, args.rate, True)
            )
            busy_run = submit(api, code_ref, fresh_ref, "bench-busy", spin=args.duration + 20)
            wait_until(api, busy_run["id"], "command_started_at")
            time.sleep(3)
            busy = asyncio.run(
                _load(platform.gateway, token, "bench-data", args.duration, 50, args.rate, True)
            )
            api.post(f"/runs/{busy_run['id']}/cancel")
            wait_for_run(api, busy_run["id"])
            sdk.close()
            api.close()

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"trainer executor (one platform, SQLite, local files; load average {load} on {os.cpu_count()} CPUs)"
    )
    print(f"  python -c pass in the run environment (baseline): {floor * 1000:.0f} ms")
    print(
        f"  queue -> claimed, idle pool: median {statistics.median(claims) * 1000:.0f} ms, "
        f"max {max(claims) * 1000:.0f} ms (target < 1000 ms)"
    )
    print(
        f"  queue -> command started: median {statistics.median(commands) * 1000:.0f} ms "
        f"({statistics.median(commands) / floor:.1f}x the baseline)"
    )
    print(
        f"  first run over a new {args.data_mb} MB input: downloaded {first['bytes_downloaded']} bytes, "
        f"command after {first_start:.2f} s (baseline)"
    )
    print(
        f"  second run over the same input: downloaded {second['bytes_downloaded']} bytes (target 0), "
        f"command after {second_start:.2f} s (target < 3 s; {second_start / first_start:.2f}x the first)"
    )
    print(
        f"  resolution at {args.rate:.0f}/s (no-cache): idle p99 {idle.p99_ms:.1f} ms (baseline), "
        f"run busy on both cores p99 {busy.p99_ms:.1f} ms ({busy.p99_ms / max(idle.p99_ms, 0.001):.2f}x; "
        f"target < 100 ms), errors {idle.errors}/{busy.errors}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
