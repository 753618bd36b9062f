"""Where garbage collection learns which manifests the catalog references (metadata-hub)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from kamld_common.errors import UpstreamError
from kamld_common.http import ServiceClient


class CatalogDigests(Protocol):
    def iter_digests(self) -> AsyncIterator[str]:
        """Every manifest digest a catalog version references."""


class MetadataHubDigests:
    """Pages through metadata-hub's ``GET /digests?after=&limit=`` (``{"items": [...], "next": …}``)."""

    def __init__(self, client: ServiceClient, *, page_size: int = 1000) -> None:
        self.client = client
        self.page_size = page_size

    async def iter_digests(self) -> AsyncIterator[str]:
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": self.page_size}
            if cursor is not None:
                params["after"] = cursor
            response = await self.client.get("/digests", params=params)
            body = response.json()
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise UpstreamError(
                    "metadata-hub answered /digests with an unexpected body", code="upstream_invalid"
                )
            for digest in body["items"]:
                yield digest
            cursor = body.get("next")
            if not cursor:
                return
