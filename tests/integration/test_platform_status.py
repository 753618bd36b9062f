"""``GET /api/v1/status`` through the gateway, and one trace across the services it calls."""

from __future__ import annotations

import secrets
import time
from collections import Counter

import httpx
import pytest
from opentelemetry import propagate, trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")

pytestmark = pytest.mark.integration


def test_status_needs_a_token(platform) -> None:
    response = httpx.get(platform.gateway + "/api/v1/status")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_status_reports_every_service_ready_with_its_version(platform) -> None:
    response = httpx.get(platform.gateway + "/api/v1/status", headers=platform.auth)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "ok"
    by_name = {entry["name"]: entry for entry in report["services"]}
    assert list(by_name) == list(SERVICES)
    for name, entry in by_name.items():
        assert entry["status"] == "ok", entry
        assert entry["version"]
        assert entry["checks"]["database"] == "ok"
        assert entry["url"] == platform.urls[name]


def test_one_request_is_one_trace_across_processes(platform, otlp_receiver) -> None:
    """The caller's trace context reaches the gateway, and from it every service the gateway calls."""
    trace_id, caller_span_id = secrets.token_hex(16), secrets.token_hex(8)
    caller = NonRecordingSpan(
        SpanContext(int(trace_id, 16), int(caller_span_id, 16), is_remote=True, trace_flags=TraceFlags(1))
    )
    # The caller's span is made current (not only put in a header): when this test process has
    # instrumented httpx too, the instrumentation then continues the same trace instead of a new one.
    with trace.use_span(caller):
        headers = dict(platform.auth)
        propagate.inject(headers)
        response = httpx.get(platform.gateway + "/api/v1/status", headers=headers)
    assert response.status_code == 200

    expected = {"workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub"}
    deadline = time.monotonic() + 60

    def has_gateway_span(spans) -> bool:
        return any(s.service == "workbench-api" and s.name == "GET /api/v1/status" for s in spans)

    while True:
        in_trace = [span for span in otlp_receiver.snapshot() if span.trace_id == trace_id]
        # The gateway's own span ends last, after the spans of its calls, so it may be exported last.
        complete = expected <= {span.service for span in in_trace} and has_gateway_span(in_trace)
        if complete or time.monotonic() > deadline:
            break
        time.sleep(0.25)

    received = Counter(span.service for span in otlp_receiver.snapshot())
    assert expected <= {span.service for span in in_trace}, (
        f"spans of trace {trace_id}: {sorted((s.service, s.name) for s in in_trace)}; "
        f"received in all: {received}"
    )
    gateway = [s for s in in_trace if s.service == "workbench-api" and s.name == "GET /api/v1/status"]
    assert len(gateway) == 1 and gateway[0].parent_span_id, "the gateway did not continue the caller's trace"
    own_spans = {s.span_id for s in in_trace}
    for upstream in expected - {"workbench-api"}:
        readyz = [s for s in in_trace if s.service == upstream and s.name == "GET /readyz"]
        assert readyz, f"{upstream} exported no server span for the gateway's /readyz call"
        assert all(s.parent_span_id in own_spans for s in readyz)


def test_status_comes_from_observation_hub_with_key_figures(platform) -> None:
    auth = platform.auth
    httpx.get(platform.gateway + "/api/v1/status", headers=auth)  # the first scrape opens a window
    for _ in range(5):
        httpx.get(platform.gateway + "/api/v1/artifacts", headers=auth)
    report = httpx.get(platform.gateway + "/api/v1/status", headers=auth).json()
    assert report["figures_source"] == "metrics"
    by_name = {entry["name"]: entry for entry in report["services"]}
    for name in SERVICES:
        figures = by_name[name]["figures"]
        assert {"requests_per_s", "latency_p50_ms", "latency_p99_ms", "error_ratio"} <= set(figures), name
    assert by_name["workbench-api"]["figures"]["requests_per_s"] > 0
    assert by_name["metadata-hub"]["figures"]["latency_p99_ms"] is not None
    for producer in ("workbench-api", "metadata-hub", "storage-gateway", "trainer"):
        assert by_name[producer]["figures"]["outbox_backlog"] is not None
    assert "dedup_ratio" in by_name["storage-gateway"]["figures"]


def test_kamld_status_shows_the_figures(platform, kamld_cli) -> None:
    done = kamld_cli("status", home=platform.home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "p99 ms" in done.stdout and "backlog" in done.stdout
