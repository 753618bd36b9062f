"""The object store protocol every backend implements (local directory, S3).

Keys are opaque ``/``-separated strings chosen by the content layer (``blake3/ab/cdef…``);
backends never interpret them. Objects are immutable: ``put_if_absent`` never overwrites.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime


class ObjectNotFound(KeyError):
    """The key names no object in this store."""


@runtime_checkable
class ObjectStore(Protocol):
    """Immutable, content-addressed object storage."""

    name: str

    async def put_if_absent(self, key: str, data: bytes) -> bool:
        """Store ``data`` under ``key`` unless it exists; True when this call wrote it."""

    async def get(self, key: str) -> bytes:
        """The whole object; raises :class:`ObjectNotFound`."""

    async def get_range(self, key: str, start: int, length: int) -> bytes:
        """``length`` bytes from ``start`` (fewer at the end of the object)."""

    async def exists_many(self, keys: Iterable[str]) -> set[str]:
        """The subset of ``keys`` that exist."""

    async def stat(self, key: str) -> ObjectInfo | None:
        """Size and modification time, or None when absent."""

    async def delete(self, key: str) -> None:
        """Remove ``key``; absent keys are not an error."""

    def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order where the backend allows."""

    async def presign_get(self, key: str, expires_s: int = 3600) -> str | None:
        """A URL a client may GET directly, or None when the backend cannot presign."""

    async def check(self) -> None:
        """Raise when the store cannot be reached (used by ``/readyz``)."""
