"""Prometheus metrics around any :class:`ObjectStore`: calls, bytes and latency per backend and operation.

Kept as a wrapper so that every backend is measured the same way and none carries metric code.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from contextlib import contextmanager
from typing import TypeVar

from prometheus_client import Counter, Histogram

from kamld_content.framing import Chunk
from kamld_storage_gateway.objectstore.base import ObjectInfo, ObjectNotFound, ObjectStore

T = TypeVar("T")

OPERATIONS = Counter(
    "kamld_storage_object_operations_total",
    "Object store calls, by backend, operation and outcome (ok, not_found, error).",
    ["backend", "operation", "outcome"],
)
BYTES = Counter(
    "kamld_storage_object_bytes_total",
    "Bytes moved to (put) and from (get, get_range) the object store.",
    ["backend", "operation"],
)
LATENCY = Histogram(
    "kamld_storage_object_operation_seconds",
    "Latency of object store calls.",
    ["backend", "operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


class MeteredObjectStore:
    """Delegates to ``inner`` and records every call."""

    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner
        self.name = inner.name

    @contextmanager
    def _measure(self, operation: str):
        start = time.perf_counter()
        outcome = "ok"
        try:
            yield
        except ObjectNotFound:
            outcome = "not_found"
            raise
        except BaseException:
            outcome = "error"
            raise
        finally:
            LATENCY.labels(self.name, operation).observe(time.perf_counter() - start)
            OPERATIONS.labels(self.name, operation, outcome).inc()

    async def _call(self, operation: str, call: Awaitable[T]) -> T:
        with self._measure(operation):
            return await call

    async def put_if_absent(self, key: str, data: bytes) -> bool:
        written = await self._call("put", self.inner.put_if_absent(key, data))
        if written:
            BYTES.labels(self.name, "put").inc(len(data))
        return written

    async def put_many_if_absent(self, items: Sequence[tuple[str, Chunk]]) -> set[str]:
        written = await self._call("put_many", self.inner.put_many_if_absent(items))
        sizes = {key: len(data) for key, data in items}
        BYTES.labels(self.name, "put").inc(sum(sizes[key] for key in written))
        return written

    async def get(self, key: str) -> bytes:
        data = await self._call("get", self.inner.get(key))
        BYTES.labels(self.name, "get").inc(len(data))
        return data

    async def get_many(self, keys: Sequence[str], max_bytes: int = 4 << 20) -> list[bytes]:
        found = await self._call("get_many", self.inner.get_many(keys, max_bytes))
        BYTES.labels(self.name, "get").inc(sum(len(data) for data in found))
        return found

    async def get_range(self, key: str, start: int, length: int) -> bytes:
        data = await self._call("get_range", self.inner.get_range(key, start, length))
        BYTES.labels(self.name, "get_range").inc(len(data))
        return data

    async def exists_many(self, keys: Iterable[str]) -> set[str]:
        return await self._call("exists_many", self.inner.exists_many(keys))

    async def sizes_many(self, keys: Iterable[str]) -> dict[str, int]:
        return await self._call("sizes_many", self.inner.sizes_many(keys))

    async def stat(self, key: str) -> ObjectInfo | None:
        return await self._call("stat", self.inner.stat(key))

    async def delete(self, key: str) -> None:
        await self._call("delete", self.inner.delete(key))

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        with self._measure("list"):
            async for info in self.inner.list(prefix):
                yield info

    async def presign_get(self, key: str, expires_s: int = 3600) -> str | None:
        return await self._call("presign_get", self.inner.presign_get(key, expires_s))

    async def check(self) -> None:
        await self._call("check", self.inner.check())
