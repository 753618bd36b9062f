"""Key figures from Prometheus, when one is configured: the same figures as from ``/metrics``,
over the last five minutes, by the ``service`` label both deployments give every target."""

from __future__ import annotations

from typing import Any

import httpx

WINDOW = "5m"


def queries(service: str) -> dict[str, str]:
    s = f'service="{service}"'
    rate = f"sum(rate(http_requests_total{{{s}}}[{WINDOW}]))"
    buckets = f"sum by (le) (rate(http_request_duration_highr_seconds_bucket{{{s}}}[{WINDOW}]))"
    return {
        "requests_per_s": rate,
        "latency_p50_ms": f"histogram_quantile(0.5, {buckets}) * 1000",
        "latency_p99_ms": f"histogram_quantile(0.99, {buckets}) * 1000",
        "error_ratio": f'sum(rate(http_requests_total{{{s},status=~"5.."}}[{WINDOW}])) / {rate}',
        "outbox_backlog": f"sum(kamld_outbox_backlog{{{s}}})",
        "dedup_ratio": (
            f"1 - sum(kamld_storage_chunks_missing_total{{{s}}})"
            f" / sum(kamld_storage_chunks_offered_total{{{s}}})"
        ),
    }


async def prometheus_figures(client: httpx.AsyncClient, service: str) -> dict[str, float | None]:
    """Each figure Prometheus has for ``service``; those it has no sample of are left out."""
    figures: dict[str, float | None] = {}
    for name, query in queries(service).items():
        answer: Any = (await client.get("/api/v1/query", params={"query": query})).json()
        result = answer.get("data", {}).get("result", [])
        if result:
            value = float(result[0]["value"][1])
            figures[name] = None if value != value else round(value, 4)  # NaN: no requests
    return figures
