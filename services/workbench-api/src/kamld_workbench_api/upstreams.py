"""The services behind the gateway, one :class:`ServiceClient` each, opened for the app's lifetime."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request

from kamld_common.http import ServiceClient
from kamld_workbench_api import __version__
from kamld_workbench_api.config import Settings


@dataclass
class Upstreams:
    metadata_hub: ServiceClient
    storage_gateway: ServiceClient
    trainer: ServiceClient
    observation_hub: ServiceClient

    @classmethod
    def from_settings(cls, settings: Settings) -> Upstreams:
        def client(name: str, url: str, timeout: float | None = None, bulk: bool = False) -> ServiceClient:
            return ServiceClient(
                url,
                service=name,
                user_agent=f"kamld-workbench-api/{__version__}",
                timeout=timeout or settings.request_timeout_s,
                internal_token=settings.internal_token,
                bulk=bulk,
            )

        return cls(
            metadata_hub=client("metadata-hub", settings.metadata_hub_url),
            storage_gateway=client(
                "storage-gateway",
                settings.storage_gateway_url,
                max(60.0, settings.request_timeout_s),
                bulk=True,
            ),
            trainer=client("trainer", settings.trainer_url),
            observation_hub=client("observation-hub", settings.observation_hub_url),
        )

    def by_name(self) -> dict[str, ServiceClient]:
        return {
            "metadata-hub": self.metadata_hub,
            "storage-gateway": self.storage_gateway,
            "trainer": self.trainer,
            "observation-hub": self.observation_hub,
        }

    async def aclose(self) -> None:
        for client in self.by_name().values():
            await client.aclose()


def get_upstreams(request: Request) -> Upstreams:
    """FastAPI dependency: the gateway's clients to the other services."""
    return request.app.state.upstreams


def install_upstreams(app: FastAPI, settings: Settings) -> Upstreams:
    upstreams = Upstreams.from_settings(settings)
    app.state.upstreams = upstreams
    return upstreams
