"""One JSON access-log line per request, with the route template and never a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from fastapi import APIRouter

from kamld_common.app import create_service_app
from kamld_common.errors import NotFound
from kamld_common.settings import ServiceSettings
from kamld_testing.asgi import asgi_client

router = APIRouter()


@router.get("/things/{name}")
async def get_thing(name: str) -> dict[str, str]:
    if name == "missing":
        raise NotFound("no such thing")
    return {"name": name}


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def access_lines(text: str) -> list[dict]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "kamld.access"]


async def test_each_request_is_one_line_with_route_status_actor_and_duration(
    capsys, restore_logging, tmp_path
) -> None:
    settings = ServiceSettings(service_name="demo", data_dir=tmp_path, internal_token="s3cret-internal")
    app = create_service_app(settings=settings, version="1", title="demo", description="", routers=[router])
    headers = {"X-Kamld-Internal-Token": "s3cret-internal", "X-Kamld-Caller": "ann"}
    async with asgi_client(app, "http://demo") as client:
        assert (await client.get("/things/faces?token=kamld_hidden", headers=headers)).status_code == 200
        assert (await client.get("/things/missing", headers=headers)).status_code == 404
        assert (await client.get("/things/faces")).status_code == 401
        assert (await client.get("/healthz")).status_code == 200
    text = capsys.readouterr().err
    ok, missing, refused = access_lines(text)
    assert ok["method"] == "GET" and ok["route"] == "/things/{name}" and ok["status"] == 200
    assert ok["actor"] == "ann" and ok["service"] == "demo" and ok["duration_ms"] >= 0
    assert ok["event"] == "request" and ok["level"] == "info" and "timestamp" in ok
    assert len(ok["trace_id"]) == 32 and ok["trace_id"] != missing["trace_id"]
    assert missing["status"] == 404
    assert refused["status"] == 401 and refused["route"] == "unmatched" and refused["actor"] == "anonymous"
    assert "kamld_hidden" not in text and "s3cret-internal" not in text


async def test_the_access_log_line_is_written_inside_the_requests_server_span(
    capsys, restore_logging, tmp_path
) -> None:
    """Tracing wraps the access log: the line names the server span of its request (not merely a
    caller's span of the same trace), and the instrumentation is not skipped."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind

    from kamld_common.telemetry import setup_tracing

    settings = ServiceSettings(service_name="demo", data_dir=tmp_path, internal_token="s3cret-internal")
    app = create_service_app(settings=settings, version="1", title="demo", description="", routers=[router])
    exporter = InMemorySpanExporter()
    setup_tracing("demo", "1").add_span_processor(SimpleSpanProcessor(exporter))
    async with asgi_client(app, "http://demo") as client:
        answer = await client.get("/things/faces", headers={"X-Kamld-Internal-Token": "s3cret-internal"})
        assert answer.status_code == 200
    [server] = [
        span
        for span in exporter.get_finished_spans()
        if span.kind is SpanKind.SERVER and span.attributes.get("http.route") == "/things/{name}"
    ]
    text = capsys.readouterr().err
    [line] = access_lines(text)
    assert (line["trace_id"], line["span_id"]) == (
        format(server.context.trace_id, "032x"),
        format(server.context.span_id, "016x"),
    )
    assert "Skipping FastAPI instrumentation" not in text
