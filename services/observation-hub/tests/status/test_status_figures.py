"""Key figures computed from real Prometheus exposition text, as the services' /metrics serve it."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from kamld_observation_hub.status.figures import Snapshot, key_figures, quantile


class FakeService:
    """A registry holding the metrics a KAML-D service exports, fed with known observations."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("http_requests", "", ["handler", "method", "status"], registry=self.registry)
        self.latency = Histogram(
            "http_request_duration_highr_seconds",
            "",
            buckets=(0.01, 0.05, 0.1, 0.5, 1.0),
            registry=self.registry,
        )
        self.backlog = Gauge("kamld_outbox_backlog", "", registry=self.registry)

    def serve(self, n: int, seconds: float, status: str = "200") -> None:
        for _ in range(n):
            self.requests.labels("/x", "GET", status).inc()
            self.latency.observe(seconds)

    def scrape(self, at: float) -> Snapshot:
        return Snapshot.parse(generate_latest(self.registry).decode(), at)


def test_rate_latency_and_errors_are_over_the_window_between_scrapes() -> None:
    service = FakeService()
    service.serve(1000, 0.9)  # before the window: slow, must not count
    first = service.scrape(100.0)
    service.serve(90, 0.02)
    service.serve(10, 0.3, status="503")
    service.backlog.set(7)
    figures = key_figures(service.scrape(110.0), first)
    assert figures["requests_per_s"] == pytest.approx(10.0)
    assert figures["error_ratio"] == pytest.approx(0.1)
    assert 10 <= figures["latency_p50_ms"] <= 50
    assert 100 <= figures["latency_p99_ms"] <= 500
    assert figures["outbox_backlog"] == 7
    assert figures["window_s"] == 10.0


def test_a_restart_between_scrapes_starts_the_window_again() -> None:
    before, after = FakeService(), FakeService()
    before.serve(500, 0.02)
    after.serve(5, 0.02)
    figures = key_figures(after.scrape(50.0), before.scrape(40.0))
    assert figures["error_ratio"] == 0.0 and figures["requests_per_s"] > 0


def test_no_requests_means_no_latency_and_no_ratio() -> None:
    service = FakeService()
    figures = key_figures(service.scrape(10.0), service.scrape(0.0))
    assert figures["latency_p99_ms"] is None and figures["error_ratio"] is None
    assert "dedup_ratio" not in figures


def test_quantile_interpolates_within_the_bucket() -> None:
    buckets = {0.1: 50.0, 0.2: 100.0, float("inf"): 100.0}
    assert quantile(0.5, buckets) == pytest.approx(0.1)
    assert quantile(0.75, buckets) == pytest.approx(0.15)
    assert quantile(0.5, {float("inf"): 0.0}) is None
