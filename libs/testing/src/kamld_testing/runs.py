"""Helpers for tests of training runs against a running platform."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

FINISHED = ("succeeded", "failed", "cancelled")


def shared_envs_dir() -> Path:
    """Run environments kept across test sessions (keyed by requirements hash, so always right):
    ``KAMLD_TEST_ENVS_DIR``, else one folder in the temporary directory."""
    return Path(os.environ.get("KAMLD_TEST_ENVS_DIR") or Path(tempfile.gettempdir()) / "kamld-test-envs")


def wait_for_run(
    api: httpx.Client, run_id: str, statuses: tuple[str, ...] = FINISHED, deadline_s: float = 900.0
) -> dict[str, Any]:
    """Poll the run until its status is one of ``statuses`` (the deadline only keeps a broken run
    from hanging the suite; it is no timing check)."""
    end = time.monotonic() + deadline_s
    while True:
        response = api.get(f"/runs/{run_id}")
        if response.status_code == 503 and time.monotonic() < end:  # trainer restarting
            time.sleep(0.2)
            continue
        run: dict[str, Any] = response.raise_for_status().json()
        if run["status"] in statuses:
            return run
        if time.monotonic() > end:
            raise AssertionError(f"run {run_id} still {run['status']} after {deadline_s} s: {run}")
        time.sleep(0.2)


def wait_until(api: httpx.Client, run_id: str, field: str, deadline_s: float = 900.0) -> dict[str, Any]:
    """Poll the run until ``field`` is set (e.g. ``command_started_at``)."""
    end = time.monotonic() + deadline_s
    while True:
        run: dict[str, Any] = api.get(f"/runs/{run_id}").raise_for_status().json()
        if run.get(field) or run["status"] in FINISHED:
            return run
        if time.monotonic() > end:
            raise AssertionError(f"run {run_id} has no {field} after {deadline_s} s: {run}")
        time.sleep(0.1)


def run_processes(run_id: str) -> list[int]:
    """Processes of this machine started for ``run_id`` (their environment names it)."""
    needle = f"KAMLD_RUN_ID={run_id}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
