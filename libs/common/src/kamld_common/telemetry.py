"""OpenTelemetry tracing and Prometheus metrics for one service.

Spans are exported over OTLP/HTTP only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces-specific
variable) is set; propagation is W3C ``traceparent`` both on incoming FastAPI requests and on outgoing
httpx calls, so one user request forms one trace across every service it touches.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from fastapi import FastAPI, Response
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_fastapi_instrumentator import Instrumentator

_provider: TracerProvider | None = None

PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class SkipProbeRoots(Sampler):
    """Start no trace for probes and scrapes, yet trace them when they belong to a caller's trace.

    Kubernetes probes and Prometheus scrapes would otherwise flood the trace store, while a
    ``/readyz`` called by the gateway's status view is part of the user's request and must show
    up in its trace. Wrapped in :class:`ParentBased`, this decides only for spans without a parent.
    """

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        attributes = attributes or {}
        paths = {
            attributes.get("http.route"),
            attributes.get("url.path"),
            attributes.get("http.target"),
            name.partition(" ")[2],
        }
        sampler = ALWAYS_OFF if paths & PROBE_PATHS else ALWAYS_ON
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return "SkipProbeRoots"


def exporter_configured() -> bool:
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def setup_tracing(service: str, version: str) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls return the same provider."""
    global _provider
    if _provider is not None:
        return _provider
    resource = Resource.create({"service.name": service, "service.version": version})
    provider = TracerProvider(resource=resource, sampler=ParentBased(root=SkipProbeRoots()))
    if exporter_configured():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    propagate.set_global_textmap(TraceContextTextMapPropagator())
    HTTPXClientInstrumentor().instrument()
    _provider = provider
    return provider


def instrument_app(app: FastAPI, service: str, version: str) -> None:
    """Trace every request of ``app`` and expose Prometheus metrics at ``/metrics``."""
    provider = setup_tracing(service, version)
    # The per-message "http send"/"http receive" child spans say nothing the request span does not,
    # and cost a span each for every body chunk; only the request span is recorded.
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, exclude_spans=["receive", "send"])
    # HTTP metrics live in a registry of this app (several apps in one process, as in tests, would
    # otherwise collide and leave all but the first uncounted); /metrics adds the process-wide one,
    # where process, runtime and service-specific metrics are registered.
    http_registry = CollectorRegistry()
    Instrumentator(
        excluded_handlers=["/metrics", "/healthz", "/readyz"],
        should_group_status_codes=False,
        registry=http_registry,
    ).instrument(app)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Several worker processes (see kamld_common.serve): report the sum over all of them.
            collected = CollectorRegistry()
            multiprocess.MultiProcessCollector(collected)
            body = generate_latest(collected)
        else:
            body = generate_latest(REGISTRY) + generate_latest(http_registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def shutdown_tracing() -> None:
    """Flush spans still buffered, so a stopping service loses none."""
    if _provider is not None:
        _provider.force_flush(timeout_millis=3000)
