"""The platform as real processes, for the end-to-end tests under ``tests/``.

``platform`` runs ``kamld up`` itself (the same supervisor users get) on free ports in a
temporary home, once on SQLite and once on PostgreSQL (a fresh database per service, dropped
after), with every service exporting its spans to an OTLP/HTTP receiver run by the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")
START_TIMEOUT_S = 120.0


def env_prefix(service: str) -> str:
    return "KAMLD_" + service.upper().replace("-", "_") + "_"


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on right now (held open together so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def kamld_command(*args: str) -> list[str]:
    """The ``kamld`` CLI of this environment."""
    return [sys.executable, "-c", "from kamld.cli import main; main()", *args]


def clean_environment() -> dict[str, str]:
    """Our environment without KAML-D or OpenTelemetry settings that would leak into the platform."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("KAMLD_", "OTEL_"))}


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class ReceivedSpan:
    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str


@dataclass
class OtlpReceiver:
    """An OTLP/HTTP trace receiver (``POST /v1/traces``, protobuf), keeping every span it gets."""

    endpoint: str
    spans: list[ReceivedSpan] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: ExportTraceServiceRequest) -> None:
        with self.lock:
            for resource_spans in request.resource_spans:
                attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                service = attributes.get("service.name", "")
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append(
                            ReceivedSpan(
                                service,
                                span.trace_id.hex(),
                                span.span_id.hex(),
                                span.parent_span_id.hex(),
                                span.name,
                            )
                        )

    def snapshot(self) -> list[ReceivedSpan]:
        with self.lock:
            return list(self.spans)


@pytest.fixture(scope="session")
def otlp_receiver() -> Iterator[OtlpReceiver]:
    receiver: OtlpReceiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/traces":
                self.send_error(404)
                return
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            receiver.add(request)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = OtlpReceiver(endpoint=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


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

    def pids(self) -> dict[str, int]:
        state = json.loads((self.home / "services.json").read_text())
        return {name: entry["pid"] for name, entry in state.items()}

    def log(self, service: str) -> str:
        return (self.home / "logs" / f"{service}.log").read_text(errors="replace")


def start_platform(home: Path, env: dict[str, str], ports: list[int]) -> tuple[subprocess.Popen[bytes], dict]:
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
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, otlp_receiver: OtlpReceiver
) -> Iterator[Platform]:
    """All five services as real processes, started by ``kamld up``, on SQLite or PostgreSQL."""
    env = clean_environment()
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp_receiver.endpoint
    with contextlib.ExitStack() as stack:
        if request.param == "postgres":
            from kamld_testing.postgres import fresh_postgres_database, postgres_unavailable_reason

            reason = postgres_unavailable_reason()
            if reason:
                pytest.skip(f"PostgreSQL is not available: {reason}")
            for service in SERVICES:
                env[env_prefix(service) + "DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
        home = tmp_path_factory.mktemp(f"platform-{request.param}")
        ports = free_ports(len(SERVICES))
        process, config = start_platform(home, env, ports)
        platform = Platform(
            database=request.param,
            home=home,
            urls={s: f"http://127.0.0.1:{p}" for s, p in zip(SERVICES, ports, strict=True)},
            token=config["token"],
            process=process,
        )
        try:
            yield platform
        finally:
            stop_platform(process)


@pytest.fixture
def kamld_up(tmp_path: Path) -> Iterator:
    """Factory: a private ``kamld up`` on SQLite for tests that kill, stop or break it."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> Platform:
        home = tmp_path / "home"
        ports = free_ports(len(SERVICES))
        process, config = start_platform(home, clean_environment(), ports)
        started.append(process)
        urls = {s: f"http://127.0.0.1:{p}" for s, p in zip(SERVICES, ports, strict=True)}
        return Platform(database="sqlite", home=home, urls=urls, token=config["token"], process=process)

    yield start
    for process in started:
        stop_platform(process)


@pytest.fixture
def kamld_cli() -> Iterator:
    """Run ``kamld`` with ``KAMLD_HOME`` set (and extra environment); returns the completed process."""

    def run(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 60.0):
        environment = {**clean_environment(), "KAMLD_HOME": str(home), **(env or {})}
        return subprocess.run(
            kamld_command(*args),
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    yield run


@pytest.fixture
def unused_ports() -> Iterator:
    yield free_ports


@pytest.fixture
def is_alive() -> Iterator:
    yield process_alive
