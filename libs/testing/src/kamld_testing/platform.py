"""The whole platform started by ``kamld up`` (the supervisor users run), for end-to-end tests.

``kamld up`` runs in a temporary home on free ports; it counts as started once it has written
the CLI config (it does so when every service is ready), and is stopped with SIGTERM.

    with running_platform(home, clean_environment(), database="sqlite") as platform:
        kamld.Client(platform.gateway, platform.token)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamld_testing.processes import env_prefix, free_ports, stop_processes

SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")
START_TIMEOUT_S = 120.0


def kamld_command(*args: str) -> list[str]:
    """The ``kamld`` CLI of this environment."""
    return [sys.executable, "-c", "from kamld.cli import main; main()", *args]


def clean_environment() -> dict[str, str]:
    """Our environment without KAML-D or OpenTelemetry settings that would leak into the platform."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("KAMLD_", "OTEL_"))}


@dataclass
class Platform:
    """A running ``kamld up``: where each service listens, the admin token and the home directory."""

    database: str
    home: Path
    urls: dict[str, str]
    token: str
    process: subprocess.Popen[bytes]

    @property
    def gateway(self) -> str:
        return self.urls["workbench-api"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def internal_auth(self) -> dict[str, str]:
        """What a service of this platform presents to another: the internal token of its home."""
        return {"X-Kamld-Internal-Token": (self.home / "internal-token").read_text().strip()}

    def pids(self) -> dict[str, int]:
        state = json.loads((self.home / "services.json").read_text())
        return {name: entry["pid"] for name, entry in state.items()}

    def log(self, service: str) -> str:
        return (self.home / "logs" / f"{service}.log").read_text(errors="replace")


def start_platform(
    home: Path, env: Mapping[str, str], ports: list[int]
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Run ``kamld up`` and wait until it wrote the CLI config (it does so once every service is ready)."""
    env = {**env, "KAMLD_HOME": str(home)}
    for service, port in zip(SERVICES, ports, strict=True):
        env[env_prefix(service) + "PORT"] = str(port)
    home.mkdir(parents=True, exist_ok=True)
    output = (home / "up.out").open("wb")
    process = subprocess.Popen(
        kamld_command("up", "--home", str(home), "--ready-timeout", str(START_TIMEOUT_S)),
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    output.close()
    config = home / "config"
    earlier = config.stat().st_ino if config.exists() else None  # a restart rewrites it (a new file)
    deadline = time.monotonic() + START_TIMEOUT_S + 10
    while not config.exists() or config.stat().st_ino == earlier:
        if process.poll() is not None:
            raise AssertionError(
                f"kamld up exited with {process.returncode}:\n{(home / 'up.out').read_text()}"
            )
        if time.monotonic() > deadline:
            stop_platform(process)
            raise AssertionError(f"kamld up did not get ready:\n{(home / 'up.out').read_text()}")
        time.sleep(0.2)
    return process, tomllib.loads(config.read_text())


def stop_platform(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> int:
    """SIGTERM ``kamld up`` and wait for it; returns its exit code."""
    stop_processes(process, timeout_s=timeout_s)
    return process.returncode


def launch_platform(home: Path, env: Mapping[str, str], database: str) -> Platform:
    """``kamld up`` on free ports, returned once ready; the caller stops it with :func:`stop_platform`."""
    *ports, s3_port = free_ports(len(SERVICES) + 1)
    env = {**env, "KAMLD_WORKBENCH_API_S3_PORT": env.get("KAMLD_WORKBENCH_API_S3_PORT") or str(s3_port)}
    process, config = start_platform(home, env, ports)
    urls = {service: f"http://127.0.0.1:{port}" for service, port in zip(SERVICES, ports, strict=True)}
    urls["s3"] = f"http://127.0.0.1:{env['KAMLD_WORKBENCH_API_S3_PORT']}"
    return Platform(database=database, home=home, urls=urls, token=config["token"], process=process)


@contextmanager
def running_platform(home: Path, env: Mapping[str, str], database: str) -> Iterator[Platform]:
    """:func:`launch_platform` for the ``with`` block, stopped after it."""
    platform = launch_platform(home, env, database)
    try:
        yield platform
    finally:
        stop_platform(platform.process)
