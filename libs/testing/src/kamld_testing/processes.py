"""KAML-D services as real processes for tests: free ports, start, wait until ready, stop.

A service is started the way an operator starts it, ``python -m kamld_<service>``, with its
settings in the environment (``KAMLD_HOME`` and ``KAMLD_<SERVICE>_PORT`` set here), its output
in a log file, and counts as started once ``/readyz`` answers 200. A start that fails or times
out raises :class:`ServiceFailedToStart` carrying the end of that log.

    with running_service("metadata-hub", home=tmp_path) as hub:
        hub.client().get("/artifacts")  # presents the internal token
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

INTERNAL_TOKEN = "kamld-test-" + secrets.token_urlsafe(32)
"""The internal secret of every service this test process launches (so they accept each other);
a test that wants another sets ``KAMLD_<SERVICE>_INTERNAL_TOKEN`` in ``env``."""
INTERNAL_TOKEN_HEADER = "X-Kamld-Internal-Token"
READY_TIMEOUT_S = 120.0
PROBE_TIMEOUT_S = 10.0
"""A probe answered by a service whose readiness checks are slow (a loaded machine, the test
workers sharing its cores) still counts: the readiness checks themselves take up to 3 s."""
STOP_TIMEOUT_S = 15.0
LOG_TAIL_CHARS = 4000


class ServiceFailedToStart(RuntimeError):
    """A service exited or did not get ready in time; the message ends with its log."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports nothing listens on right now (held open together so they differ)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port_block(count: int) -> int:
    """The first of ``count`` consecutive free ports (``kamld up --port-base`` takes a block of five)."""
    for _ in range(50):
        base = random.randrange(20_000, 60_000)
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports found")


def env_prefix(service: str) -> str:
    """``metadata-hub`` -> ``KAMLD_METADATA_HUB_``, the prefix of that service's settings."""
    return "KAMLD_" + service.upper().replace("-", "_") + "_"


def service_module(service: str) -> str:
    """``metadata-hub`` -> ``kamld_metadata_hub``, the module ``python -m`` runs."""
    return "kamld_" + service.replace("-", "_")


def stop_processes(*processes: subprocess.Popen[bytes], timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM every process that still runs, then SIGKILL those that outlive ``timeout_s``."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class ServiceProcess:
    """One service running as a process: where it listens, its home, its log."""

    service: str
    port: int
    home: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    internal_token: str = INTERNAL_TOKEN

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, *, internal: bool = True, **kwargs: Any) -> httpx.Client:
        """A synchronous HTTP client for this service (60 s timeout unless given), presenting its
        internal token unless ``internal=False`` or the headers given name one."""
        kwargs.setdefault("timeout", 60.0)
        if internal:
            kwargs["headers"] = {INTERNAL_TOKEN_HEADER: self.internal_token, **(kwargs.get("headers") or {})}
        return httpx.Client(base_url=self.url, **kwargs)

    @property
    def internal_headers(self) -> dict[str, str]:
        return {INTERNAL_TOKEN_HEADER: self.internal_token}

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S, probe: str = "/readyz") -> None:
        """Return once ``probe`` answers 200; :class:`ServiceFailedToStart` if it exits or times out.

        ``probe="/healthz"`` suits a service whose readiness needs peers the test does not start.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise ServiceFailedToStart(
                    f"{self.service} exited with {self.process.returncode}; its log ends:\n{self.log_tail()}"
                )
            try:
                if httpx.get(self.url + probe, timeout=PROBE_TIMEOUT_S).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServiceFailedToStart(
                    f"{self.service} at {self.url}{probe} did not answer 200 within {timeout_s:.0f} s;"
                    f" its log ends:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        stop_processes(self.process, timeout_s=timeout_s)


def stop_services(*services: ServiceProcess, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Stop several services at once (SIGTERM to all, then SIGKILL to those that linger)."""
    stop_processes(*(service.process for service in services), timeout_s=timeout_s)


def launch_service(
    service: str,
    *,
    home: Path,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log_level: str | None = "warning",
    base_env: Mapping[str, str] | None = None,
) -> ServiceProcess:
    """Start ``python -m kamld_<service>`` without waiting for it (see :meth:`ServiceProcess.wait_ready`).

    The environment is ``base_env`` (default: ours), then ``KAMLD_HOME``, the port, log level and
    :data:`INTERNAL_TOKEN`, then ``env``. Output goes to ``<home>/<service>.log``.
    """
    home.mkdir(parents=True, exist_ok=True)
    port = port if port is not None else free_ports(1)[0]
    prefix = env_prefix(service)
    environment = {
        **(os.environ if base_env is None else base_env),
        "KAMLD_HOME": str(home),
        prefix + "PORT": str(port),
        prefix + "INTERNAL_TOKEN": INTERNAL_TOKEN,
    }
    if log_level is not None:
        environment[prefix + "LOG_LEVEL"] = log_level
    environment.update(env or {})
    log_path = home / f"{service}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", service_module(service)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return ServiceProcess(
        service=service,
        port=port,
        home=home,
        log_path=log_path,
        process=process,
        internal_token=environment[prefix + "INTERNAL_TOKEN"],
    )


def start_service(
    service: str, *, home: Path, ready_timeout_s: float = READY_TIMEOUT_S, **options: Any
) -> ServiceProcess:
    """:func:`launch_service`, then wait until it is ready; a service that fails to start is stopped."""
    started = launch_service(service, home=home, **options)
    try:
        started.wait_ready(ready_timeout_s)
    except BaseException:
        started.stop()
        raise
    return started


@contextmanager
def running_service(service: str, *, home: Path, **options: Any) -> Iterator[ServiceProcess]:
    """:func:`start_service` for the ``with`` block, stopped after it."""
    started = start_service(service, home=home, **options)
    try:
        yield started
    finally:
        started.stop()


def requests_served(
    url: str, handler: str, method: str | None = None, headers: Mapping[str, str] | None = None
) -> float:
    """Successful (2xx) requests the service at ``url`` reports on route ``handler`` in its /metrics.

    Counted by the server itself, so a test can tell which service a client's bytes reached.
    ``headers`` carry the token workbench-api's /metrics needs.
    """
    text = httpx.get(f"{url}/metrics", headers=headers, timeout=10).raise_for_status().text
    prefix = f'http_requests_total{{handler="{handler}",'
    wanted_method = f'method="{method}"' if method else ""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(prefix) and 'status="2' in line and wanted_method in line
    )
