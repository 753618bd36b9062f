"""OpenTelemetry tracing and Prometheus metrics for one service.

Spans are exported over OTLP/HTTP only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces-specific
variable) is set and ``OTEL_TRACES_EXPORTER`` is not ``none``; propagation is W3C ``traceparent`` both
on incoming FastAPI requests and on outgoing httpx calls, so one user request forms one trace across
every service it touches. The standard variables are honoured: ``OTEL_TRACES_SAMPLER`` (and
``OTEL_TRACES_SAMPLER_ARG``) choose the sampler, ``OTEL_SERVICE_NAME`` and
``OTEL_RESOURCE_ATTRIBUTES`` the resource, ``OTEL_EXPORTER_OTLP_*`` the exporter, and
``OTEL_SDK_DISABLED=true`` turns tracing off. Whatever the sampler, probes and scrapes start no trace.
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
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    SamplingResult,
    _get_from_env_or_default,
)
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
    up in its trace. Every other span is decided by ``delegate`` (by default: sampled; wrapped in
    :class:`ParentBased` it decides only for spans without a parent).
    """

    def __init__(self, delegate: Sampler = ALWAYS_ON) -> None:
        self.delegate = delegate

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
        root = not trace.get_current_span(parent_context).get_span_context().is_valid
        sampler = ALWAYS_OFF if root and paths & PROBE_PATHS else self.delegate
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"SkipProbeRoots{{{self.delegate.get_description()}}}"


def configured_sampler() -> Sampler:
    """``OTEL_TRACES_SAMPLER`` when set (probes still skipped), else every trace a caller starts."""
    if os.environ.get("OTEL_TRACES_SAMPLER"):
        return SkipProbeRoots(_get_from_env_or_default())
    return ParentBased(root=SkipProbeRoots())


def exporter_configured() -> bool:
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def setup_tracing(service: str, version: str) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls return the same provider."""
    global _provider
    if _provider is not None:
        return _provider
    attributes = {"service.version": version}
    if not os.environ.get("OTEL_SERVICE_NAME"):
        attributes["service.name"] = service
    provider = TracerProvider(resource=Resource.create(attributes), sampler=configured_sampler())
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
