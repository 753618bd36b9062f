"""The object store protocol every backend implements (local directory, S3).

Keys are opaque ``/``-separated strings chosen by the content layer (``blake3/ab/cdef…``);
backends never interpret them. Objects are immutable: ``put_if_absent`` never overwrites.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from kamld_common.errors import Unavailable
from kamld_content.framing import Chunk


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime


class ObjectNotFound(KeyError):
    """The key names no object in this store."""


class InvalidKey(ValueError):
    """The key breaks the key rules of :func:`validate_key` (a bug in the caller, not bad data)."""


class ObjectStoreUnavailable(Unavailable):
    """The store cannot be reached, refuses our credentials, or failed; the caller may retry later."""

    code = "object_store_unavailable"
    title = "Object store unavailable"


MAX_KEY_BYTES = 1024
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]")
# Keys the content layer makes (``blake3/ab/cdef…``, ``manifests/pages/…``) pass with one match.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")


def validate_key(key: str) -> str:
    """``key`` when it is a relative ``/``-separated name every backend can store; else InvalidKey.

    Components may not be empty, ``.``/``..`` or start with ``.`` (reserved for a backend's
    temporary files), and no control characters or backslashes are allowed, so a key can never
    name something outside the store.
    """
    if type(key) is str and len(key) <= MAX_KEY_BYTES and _PLAIN_KEY.fullmatch(key):
        return key
    if not isinstance(key, str) or not key:
        raise InvalidKey(f"object key must be a non-empty string, got {key!r}")
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidKey(f"object key {key[:100]!r} is not valid UTF-8") from None
    if len(encoded) > MAX_KEY_BYTES:
        raise InvalidKey(f"object key is longer than {MAX_KEY_BYTES} bytes")
    if _FORBIDDEN.search(key):
        raise InvalidKey(f"object key {key[:100]!r} contains a control character or a backslash")
    if key.startswith((".", "/")) or "/." in key or "//" in key or key.endswith("/"):
        raise InvalidKey(f"object key {key[:100]!r} has an empty component or one starting with '.'")
    return key


@runtime_checkable
class ObjectStore(Protocol):
    """Immutable, content-addressed object storage."""

    name: str

    async def put_if_absent(self, key: str, data: bytes) -> bool:
        """Store ``data`` under ``key`` unless it exists; True when this call wrote it."""

    async def put_many_if_absent(self, items: Sequence[tuple[str, Chunk]]) -> set[str]:
        """Store each ``(key, data)`` whose key is absent; the keys this call wrote.

        ``data`` may be :class:`ChunkPieces` (a chunk still in the pieces it arrived in): a
        backend writes them one after another or joins them with ``bytes()``.

        Every object is stored (durably, where the backend promises it) when this returns; a
        backend may write them concurrently, which is the point of asking for several at once.
        """

    async def get(self, key: str) -> bytes:
        """The whole object; raises :class:`ObjectNotFound`."""

    async def get_many(self, keys: Sequence[str], max_bytes: int = 4 << 20) -> list[bytes]:
        """The objects of a prefix of ``keys``, in order: at least one, and more while fewer than
        ``max_bytes`` were read (so a caller holds a bounded amount); raises :class:`ObjectNotFound`."""

    async def get_range(self, key: str, start: int, length: int) -> bytes:
        """``length`` bytes from ``start`` (fewer at the end of the object)."""

    async def exists_many(self, keys: Iterable[str]) -> set[str]:
        """The subset of ``keys`` that exist."""

    async def sizes_many(self, keys: Iterable[str]) -> dict[str, int]:
        """The size of each of ``keys`` that exists; absent keys are left out."""

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
