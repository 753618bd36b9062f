"""Platform status, one implementation: asking every service whether it is ready, all at once,
and summing the answers up (observation-hub's ``/status``; the gateway when observation-hub is down).

A service is probed through its ``/readyz`` (no retries: a status page must answer quickly and
show what is down now); one that is not ready is asked ``/healthz`` too, to tell "alive but a
dependency is down" from "not answering" and to still show its version.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from kamld_common.errors import KamldError

PROBE_TIMEOUT_S = 3.0


class ServiceState(StrEnum):
    """``ok``: ready; ``not_ready``: alive but a dependency is down; ``down``: no answer."""

    ok = "ok"
    not_ready = "not_ready"
    down = "down"


class ServiceStatus(BaseModel):
    name: str = Field(description="The service, e.g. metadata-hub")
    url: str = Field(description="Where the gateway reaches it")
    status: ServiceState
    version: str | None = Field(None, description="The version it reports; unknown when it does not answer")
    checks: dict[str, str] = Field(default_factory=dict, description="Each dependency: 'ok' or 'down: <why>'")
    detail: str | None = Field(None, description="Why it is not ok")
    figures: dict[str, float | None] = Field(
        default_factory=dict,
        description="Key figures from its metrics: request rate, latency, error ratio and the "
        "service's own (see docs/observability.md); null where there is no data yet",
    )


class PlatformStatus(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="'ok' when every service is ready")
    services: list[ServiceStatus]
    figures_source: str | None = Field(
        None, description="Where the figures come from: `metrics` (each service's /metrics) or `prometheus`"
    )


class Probe(Protocol):
    """What a status probe needs of a client to another service (a ``ServiceClient``)."""

    base_url: Any

    def request(
        self, method: str, url: str, *, retry: bool | None = None, **kwargs: Any
    ) -> Awaitable[Any]: ...


LocalCheck = Callable[[], Awaitable[None]]


async def probe_upstream(name: str, client: Probe) -> ServiceStatus:
    url = str(client.base_url).rstrip("/")
    try:
        response = await client.request("GET", "/readyz", retry=False, timeout=PROBE_TIMEOUT_S)
    except KamldError as exc:
        return await _not_ready_or_down(name, url, client, exc)
    body = response.json()
    return ServiceStatus(
        name=name,
        url=url,
        status=ServiceState.ok,
        version=body.get("version"),
        checks=body.get("checks") or {},
    )


async def _not_ready_or_down(name: str, url: str, client: Probe, error: KamldError) -> ServiceStatus:
    checks = error.extra.get("checks") if isinstance(error.extra.get("checks"), dict) else {}
    try:
        alive = (await client.request("GET", "/healthz", retry=False, timeout=PROBE_TIMEOUT_S)).json()
    except KamldError:
        return ServiceStatus(name=name, url=url, status=ServiceState.down, checks=checks, detail=error.detail)
    return ServiceStatus(
        name=name,
        url=url,
        status=ServiceState.not_ready,
        version=alive.get("version"),
        checks=checks,
        detail=error.detail,
    )


async def own_status(name: str, url: str, version: str, checks: Mapping[str, LocalCheck]) -> ServiceStatus:
    """The gateway's own entry: it answers, so it is at least alive; its local dependencies decide."""
    results: dict[str, str] = {}
    for check_name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=PROBE_TIMEOUT_S)
            results[check_name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down", reported by name
            results[check_name] = f"down: {getattr(exc, 'detail', None) or type(exc).__name__}"
    failed = sorted(n for n, r in results.items() if r != "ok")
    return ServiceStatus(
        name=name,
        url=url,
        status=ServiceState.not_ready if failed else ServiceState.ok,
        version=version,
        checks=results,
        detail=f"not ready: {', '.join(failed)} down" if failed else None,
    )


async def platform_status(own: Awaitable[ServiceStatus], upstreams: Mapping[str, Probe]) -> PlatformStatus:
    """Every service's status, probed concurrently, the gateway first."""
    entries = await asyncio.gather(own, *(probe_upstream(name, client) for name, client in upstreams.items()))
    overall = "ok" if all(e.status is ServiceState.ok for e in entries) else "degraded"
    return PlatformStatus(status=overall, services=list(entries))
