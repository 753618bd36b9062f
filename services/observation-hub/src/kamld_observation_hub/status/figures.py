"""Key figures of a service from two scrapes of its ``/metrics`` (Prometheus text format).

Rates and latencies are over the window between the two scrapes; with one scrape only they are
over the process's life so far. Gauges (outbox backlog) are the latest value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

LATENCY = "http_request_duration_highr_seconds"
REQUESTS = "http_requests_total"


@dataclass
class Snapshot:
    """The samples of one scrape that the figures use, summed over labels not listed."""

    at: float
    counters: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    buckets: dict[float, float] = field(default_factory=lambda: defaultdict(float))
    gauges: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @classmethod
    def parse(cls, text: str, at: float) -> Snapshot:
        snapshot = cls(at=at)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                name, labels, value = sample.name, sample.labels, sample.value
                if name == f"{LATENCY}_bucket":
                    snapshot.buckets[float(labels["le"])] += value
                elif name == REQUESTS:
                    snapshot.counters["requests"] += value
                    if labels.get("status", "").startswith("5"):
                        snapshot.counters["errors"] += value
                elif name == "kamld_outbox_backlog":
                    snapshot.gauges["outbox_backlog"] += value
                elif name == "kamld_outbox_oldest_age_seconds":
                    snapshot.gauges["outbox_oldest_age_s"] = max(
                        snapshot.gauges["outbox_oldest_age_s"], value
                    )
                elif name == "kamld_outbox_delivery_failures_total":
                    snapshot.counters["outbox_failures"] += value
                elif name == "kamld_storage_chunks_offered_total":
                    snapshot.counters["chunks_offered"] += value
                elif name == "kamld_storage_chunks_missing_total":
                    snapshot.counters["chunks_missing"] += value
                elif name == "kamld_storage_object_bytes_total" and labels.get("operation") == "put":
                    snapshot.gauges["stored_bytes_written"] += value
                elif name == "kamld_storage_corrupt_chunks_total":
                    snapshot.gauges["corrupt_chunks"] += value
                elif name == "process_start_time_seconds":
                    snapshot.gauges["started_at"] = value
        return snapshot


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """The ``q`` quantile of a cumulative histogram, interpolated within its bucket (as PromQL does)."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower_bound, lower_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            width = count - lower_count
            return lower_bound + (bound - lower_bound) * ((rank - lower_count) / width if width else 1.0)
        lower_bound, lower_count = bound, count
    return lower_bound


def key_figures(current: Snapshot, previous: Snapshot | None) -> dict[str, float | None]:
    """Request rate, p50/p99 latency and 5xx ratio over the window, and the service's own figures."""
    if previous is not None and current.counters["requests"] < previous.counters["requests"]:
        previous = None  # the service restarted between the scrapes: its counters began again
    since = previous.at if previous is not None else current.gauges.get("started_at") or current.at
    window = max(current.at - since, 1e-9)

    def delta(name: str) -> float:
        return current.counters[name] - (previous.counters[name] if previous else 0.0)

    requests = delta("requests")
    buckets = {
        le: n - (previous.buckets.get(le, 0.0) if previous else 0.0) for le, n in current.buckets.items()
    }
    p50, p99 = quantile(0.5, buckets), quantile(0.99, buckets)
    figures: dict[str, float | None] = {
        "requests_per_s": round(requests / window, 3),
        "latency_p50_ms": round(p50 * 1000, 3) if p50 is not None else None,
        "latency_p99_ms": round(p99 * 1000, 3) if p99 is not None else None,
        "error_ratio": round(delta("errors") / requests, 4) if requests > 0 else None,
        "window_s": round(window, 1),
    }
    if "outbox_backlog" in current.gauges:
        figures["outbox_backlog"] = current.gauges["outbox_backlog"]
        figures["outbox_oldest_age_s"] = current.gauges["outbox_oldest_age_s"]
        figures["outbox_delivery_failures"] = current.counters["outbox_failures"]
    if "chunks_offered" in current.counters:
        offered = current.counters["chunks_offered"]
        figures["dedup_ratio"] = (
            round(1 - current.counters["chunks_missing"] / offered, 4) if offered > 0 else None
        )
        figures["stored_bytes_written"] = current.gauges["stored_bytes_written"]
        figures["corrupt_chunks"] = current.gauges["corrupt_chunks"]
    return figures
