"""The trainer's way to the catalog: the public API through the SDK, with the trainer's own token.

Pulls and pushes run in a thread (the SDK is synchronous); nothing else in the trainer knows the SDK.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Pulled:
    bytes_downloaded: int


class Catalog(Protocol):
    async def pull(self, ref: str, directory: Path) -> Pulled: ...

    async def push(
        self,
        directory: Path,
        name: str,
        *,
        message: str,
        inputs: Sequence[tuple[str, str]],
        metadata: Mapping[str, Any],
    ) -> str: ...


class SdkCatalog:
    """:class:`Catalog` over ``kamld.Client``."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token

    def _client(self) -> Any:
        from kamld.client import Client

        return Client(self.url, self.token or "")

    async def pull(self, ref: str, directory: Path) -> Pulled:
        def pull() -> Pulled:
            with self._client() as client:
                result = client.pull(ref, directory, force=True)
            return Pulled(bytes_downloaded=result.bytes_downloaded)

        return await asyncio.to_thread(pull)

    async def push(
        self,
        directory: Path,
        name: str,
        *,
        message: str,
        inputs: Sequence[tuple[str, str]],
        metadata: Mapping[str, Any],
    ) -> str:
        def push() -> str:
            with self._client() as client:
                version = client.push(
                    directory,
                    name,
                    message,
                    kind="model",
                    inputs=list(inputs),
                    metadata=dict(metadata),
                    allow_empty=True,
                )
            return f"{version.artifact}:{version.name}"

        return await asyncio.to_thread(push)
