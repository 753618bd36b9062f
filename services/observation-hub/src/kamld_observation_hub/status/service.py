"""Collecting the platform's status: every service probed at once, with its key figures.

Figures come from each service's ``/metrics`` (two scrapes make a window: see
:mod:`.figures`), or from Prometheus when ``prometheus_url`` is set.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import structlog

from kamld_common.errors import KamldError
from kamld_common.http import ServiceClient
from kamld_common.status import PlatformStatus, ServiceState, ServiceStatus, probe_upstream
from kamld_observation_hub import __version__
from kamld_observation_hub.config import Settings
from kamld_observation_hub.status.figures import Snapshot, key_figures
from kamld_observation_hub.status.prometheus import prometheus_figures

log = structlog.get_logger("kamld.observation_hub.status")

MIN_WINDOW_S = 10.0
SCRAPE_TIMEOUT_S = 3.0


class StatusCollector:
    """Holds a client per service and the previous scrape of each (the start of the next window)."""

    def __init__(self, settings: Settings) -> None:
        self.clients = {
            name: ServiceClient(
                url,
                service=name,
                user_agent=f"kamld-observation-hub/{__version__}",
                timeout=settings.request_timeout_s,
                internal_token=settings.internal_token,
            )
            for name, url in settings.service_urls.items()
        }
        self.prometheus = (
            httpx.AsyncClient(base_url=settings.prometheus_url, timeout=SCRAPE_TIMEOUT_S)
            if settings.prometheus_url
            else None
        )
        self.previous: dict[str, Snapshot] = {}

    async def collect(self) -> PlatformStatus:
        entries = await asyncio.gather(*(self._one(name, client) for name, client in self.clients.items()))
        overall = "ok" if all(e.status is ServiceState.ok for e in entries) else "degraded"
        source = "prometheus" if self.prometheus is not None else "metrics"
        return PlatformStatus(status=overall, services=list(entries), figures_source=source)

    async def _one(self, name: str, client: ServiceClient) -> ServiceStatus:
        status = await probe_upstream(name, client)
        if status.status is ServiceState.down:
            return status
        try:
            if self.prometheus is not None:
                status.figures = await prometheus_figures(self.prometheus, name)
            else:
                status.figures = await self._scraped(name, client)
        except (KamldError, httpx.HTTPError, ValueError) as exc:
            log.warning("figures_unavailable", service=name, error=str(exc)[:200])
        return status

    async def _scraped(self, name: str, client: ServiceClient) -> dict[str, float | None]:
        response = await client.request("GET", "/metrics", retry=False, timeout=SCRAPE_TIMEOUT_S)
        current = Snapshot.parse(response.text, time.time())
        previous = self.previous.get(name)
        figures = key_figures(current, previous)
        if previous is None or current.at - previous.at >= MIN_WINDOW_S:
            self.previous[name] = current
        return figures

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        if self.prometheus is not None:
            await self.prometheus.aclose()
