"""Reading a version's file list from storage-gateway, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kamld_common.http import ServiceClient

PAGE = 5000


@dataclass(frozen=True)
class ManifestFile:
    path: str
    digest: str
    size: int


@dataclass(frozen=True)
class ManifestPage:
    files: list[ManifestFile]
    next: str | None


class ManifestReader:
    def __init__(self, storage: ServiceClient) -> None:
        self.storage = storage

    async def page(self, digest: str, after: str | None, limit: int = PAGE) -> ManifestPage:
        params: dict[str, str | int] = {"limit": limit}
        if after:
            params["after"] = after
        body = (await self.storage.get(f"/manifests/{quote(digest, safe='')}/files", params=params)).json()
        return ManifestPage(
            [ManifestFile(item["path"], item["digest"], item["size"]) for item in body["items"]], body["next"]
        )
