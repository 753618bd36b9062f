"""Profiling one version: which files are tables and images, and their profiles, computed off the
event loop (DuckDB and the ranged reads block)."""

from __future__ import annotations

import asyncio
from typing import Any

from kamld_metadata_hub.profiles.images import image_header, is_image, summarize_images
from kamld_metadata_hub.profiles.remote import StorageGatewayFileSystem, remote_path
from kamld_metadata_hub.profiles.tabular import Limits, TableProfile, profile_table


class Profiler:
    def __init__(
        self,
        storage_url: str,
        internal_token: str | None,
        limits: Limits,
        *,
        max_tables: int,
        max_images: int,
    ) -> None:
        self.storage_url = storage_url
        self.internal_token = internal_token
        self.limits = limits
        self.max_tables = max_tables
        self.max_images = max_images

    def filesystem(self) -> StorageGatewayFileSystem:
        return StorageGatewayFileSystem(self.storage_url, self.internal_token, skip_instance_cache=True)

    async def table(self, manifest: str, path: str, size: int) -> TableProfile:
        fs = self.filesystem()
        try:
            profile = await asyncio.to_thread(
                profile_table, fs, remote_path(manifest, path), path, size, self.limits
            )
            profile.bytes_read = fs.bytes_read
            return profile
        finally:
            fs.close()

    async def images(self, manifest: str, files: list[tuple[str, int]], total: int) -> dict[str, Any]:
        fs = self.filesystem()

        def headers() -> list[tuple[str, int, int] | None]:
            found = []
            for path, size in files:
                url = remote_path(manifest, path)
                found.append(image_header(lambda start, end, url=url: fs.read_range(url, start, end), size))
            return found

        try:
            return summarize_images(await asyncio.to_thread(headers), total)
        finally:
            fs.close()


__all__ = ["Profiler", "is_image"]
