"""Probes start no traces of their own but are traced as part of a caller's trace."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased

from kamld_common.telemetry import SkipProbeRoots, configured_sampler


def tracer_and_exporter() -> tuple[trace.Tracer, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ParentBased(root=SkipProbeRoots()))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test"), exporter


def test_probe_without_parent_is_not_traced() -> None:
    tracer, exporter = tracer_and_exporter()
    for path in ("/healthz", "/readyz", "/metrics"):
        with tracer.start_as_current_span(f"GET {path}", attributes={"http.route": path}):
            with tracer.start_as_current_span(f"GET {path} http send"):
                pass
    assert exporter.get_finished_spans() == ()


def test_probe_inside_a_callers_trace_is_traced() -> None:
    tracer, exporter = tracer_and_exporter()
    with tracer.start_as_current_span("GET /api/v1/status") as parent:
        with tracer.start_as_current_span("GET /readyz", attributes={"http.route": "/readyz"}):
            pass
    names = [span.name for span in exporter.get_finished_spans()]
    assert names == ["GET /readyz", "GET /api/v1/status"]
    assert {span.context.trace_id for span in exporter.get_finished_spans()} == {
        parent.get_span_context().trace_id
    }


def test_ordinary_requests_are_traced() -> None:
    tracer, exporter = tracer_and_exporter()
    with tracer.start_as_current_span("POST /artifacts", attributes={"http.route": "/artifacts"}):
        pass
    assert [span.name for span in exporter.get_finished_spans()] == ["POST /artifacts"]


def env_tracer(
    monkeypatch, sampler: str, arg: str | None = None
) -> tuple[trace.Tracer, InMemorySpanExporter]:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", sampler)
    if arg is not None:
        monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", arg)
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=configured_sampler())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test"), exporter


def test_otel_traces_sampler_is_honoured(monkeypatch) -> None:
    tracer, exporter = env_tracer(monkeypatch, "always_off")
    with tracer.start_as_current_span("POST /artifacts", attributes={"http.route": "/artifacts"}):
        pass
    assert exporter.get_finished_spans() == ()


def test_a_ratio_sampler_keeps_about_that_share(monkeypatch) -> None:
    tracer, exporter = env_tracer(monkeypatch, "parentbased_traceidratio", "0.25")
    for _ in range(2000):
        with tracer.start_as_current_span("GET /api/v1/artifacts", attributes={"http.route": "/x"}):
            pass
    assert 300 < len(exporter.get_finished_spans()) < 700


def test_probes_start_no_trace_whatever_the_sampler(monkeypatch) -> None:
    tracer, exporter = env_tracer(monkeypatch, "always_on")
    with tracer.start_as_current_span("GET /healthz", attributes={"http.route": "/healthz"}):
        pass
    with tracer.start_as_current_span("GET /api/v1/status") as parent:
        with tracer.start_as_current_span("GET /readyz", attributes={"http.route": "/readyz"}):
            pass
    assert [span.name for span in exporter.get_finished_spans()] == ["GET /readyz", "GET /api/v1/status"]
    assert parent.get_span_context().is_valid


def test_no_sampler_variable_keeps_the_default(monkeypatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
    assert configured_sampler().get_description().startswith("ParentBased")
