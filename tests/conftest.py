"""The platform as real processes, for the end-to-end tests under ``tests/``.

``platform`` runs ``kamld up`` itself (the same supervisor users get) on free ports in a
temporary home, once on SQLite and once on PostgreSQL (a fresh database per service, dropped
after), with every service exporting its spans to an OTLP/HTTP receiver run by the tests.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from kamld_testing.loopback import serving
from kamld_testing.platform import (
    SERVICES,
    Platform,
    clean_environment,
    kamld_command,
    launch_platform,
    running_platform,
    stop_platform,
)
from kamld_testing.processes import env_prefix, free_ports


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
    with serving(server):
        yield receiver


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
        yield stack.enter_context(running_platform(home, env, database=request.param))


@pytest.fixture
def kamld_up(tmp_path: Path) -> Iterator:
    """Factory: a private ``kamld up`` on SQLite for tests that kill, stop or break it."""
    started: list[Platform] = []

    def start() -> Platform:
        started.append(launch_platform(tmp_path / "home", clean_environment(), database="sqlite"))
        return started[-1]

    yield start
    for platform in started:
        stop_platform(platform.process)


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
