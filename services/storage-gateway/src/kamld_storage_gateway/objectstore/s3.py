"""Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, SeaweedFS) through the ``minio`` client.

The client is synchronous, so every call runs in a bounded thread pool whose size matches the
HTTP connection pool. S3 and transport errors are translated here, at the edge: callers see
:class:`ObjectNotFound`, :class:`ObjectStoreUnavailable` or ``None``, never a minio type.

``put_if_absent`` is a stat followed by a put: the minio client offers no conditional put, and
for content-addressed keys a lost race only writes the same bytes twice.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from kamld_content.framing import Chunk
from kamld_storage_gateway.objectstore.base import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStoreUnavailable,
    validate_key,
)

T = TypeVar("T")

_MISSING_OBJECT = {"NoSuchKey", "NoSuchObject", "ResourceNotFound"}
_LIST_BATCH = 1000


# Objects one batched read fetches concurrently before it checks its byte budget.
_GET_MANY_WINDOW = 8


def _split_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """``host:port`` and TLS flag from either ``host:port`` or ``http(s)://host:port``."""
    if "://" not in endpoint:
        return endpoint.rstrip("/"), secure
    parts = urlsplit(endpoint)
    if parts.path not in ("", "/"):
        raise ValueError(f"S3 endpoint must not have a path: {endpoint!r}")
    return parts.netloc, parts.scheme == "https"


class S3ObjectStore:
    """An :class:`ObjectStore` in one bucket, optionally under a key prefix."""

    name = "s3"

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str | None = None,
        secure: bool = True,
        prefix: str = "",
        *,
        create_bucket: bool = True,
        max_connections: int = 16,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 60.0,
    ) -> None:
        host, tls = _split_endpoint(endpoint, secure)
        http = urllib3.PoolManager(
            maxsize=max_connections,
            timeout=urllib3.Timeout(connect=connect_timeout_s, read=read_timeout_s),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self._client = Minio(
            host,
            access_key=access_key,
            secret_key=secret_key,
            secure=tls,
            region=region or None,
            http_client=http,
        )
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._create_bucket = create_bucket
        self._executor = ThreadPoolExecutor(max_workers=max_connections, thread_name_prefix="kamld-s3")
        self._bucket_ready = False
        self._bucket_lock = asyncio.Lock()

    def _name(self, key: str) -> str:
        return self.prefix + validate_key(key)

    async def _run(self, call: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run a blocking minio call in the pool, translating its failures."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, lambda: call(*args, **kwargs))
        except S3Error as exc:
            if exc.code in _MISSING_OBJECT:
                raise ObjectNotFound(exc.object_name or "") from None
            raise ObjectStoreUnavailable(f"the object store refused the request ({exc.code})") from exc
        except (
            ServerError,
            InvalidResponseError,
            MinioException,
            urllib3.exceptions.HTTPError,
            OSError,
        ) as exc:
            raise ObjectStoreUnavailable(
                f"the object store cannot be reached ({type(exc).__name__})"
            ) from exc

    async def _ready(self) -> None:
        if self._bucket_ready:
            return
        async with self._bucket_lock:
            if self._bucket_ready:
                return
            if not await self._run(self._client.bucket_exists, self.bucket):
                if not self._create_bucket:
                    raise ObjectStoreUnavailable(f"bucket {self.bucket!r} does not exist")
                try:
                    await self._run(self._client.make_bucket, self.bucket)
                except ObjectStoreUnavailable as exc:
                    if not (
                        isinstance(exc.__cause__, S3Error)
                        and exc.__cause__.code in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
                    ):
                        raise
            self._bucket_ready = True

    async def put_if_absent(self, key: str, data: bytes) -> bool:
        name = self._name(key)
        if await self.stat(key) is not None:
            return False
        await self._run(self._client.put_object, self.bucket, name, io.BytesIO(data), len(data))
        return True

    async def put_many_if_absent(self, items: Sequence[tuple[str, Chunk]]) -> set[str]:
        """Each object as by :meth:`put_if_absent`, concurrently (the connection pool bounds how many)."""
        unique = {key: bytes(data) for key, data in items}
        for key in unique:
            validate_key(key)
        written = await asyncio.gather(*(self.put_if_absent(key, data) for key, data in unique.items()))
        return {key for key, new in zip(unique, written, strict=True) if new}

    def _read(self, name: str, offset: int, length: int) -> bytes:
        response = self._client.get_object(self.bucket, name, offset=offset, length=length)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    async def get(self, key: str) -> bytes:
        name = self._name(key)
        await self._ready()
        try:
            return await self._run(self._read, name, 0, 0)
        except ObjectNotFound:
            raise ObjectNotFound(key) from None

    async def get_many(self, keys: Sequence[str], max_bytes: int = 4 << 20) -> list[bytes]:
        """The first objects of ``keys`` in order, fetched 8 at a time until ``max_bytes`` are read."""
        wanted = list(keys)
        for key in wanted:
            validate_key(key)
        out: list[bytes] = []
        total = 0
        for start in range(0, len(wanted), _GET_MANY_WINDOW):
            window = await asyncio.gather(
                *(self.get(key) for key in wanted[start : start + _GET_MANY_WINDOW])
            )
            out.extend(window)
            total += sum(len(data) for data in window)
            if total >= max_bytes:
                break
        return out

    async def get_range(self, key: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise ValueError(f"range must not be negative, got start={start} length={length}")
        name = self._name(key)
        await self._ready()
        if length == 0:
            if await self.stat(key) is None:
                raise ObjectNotFound(key)
            return b""
        try:
            return await self._run(self._read, name, start, length)
        except ObjectNotFound:
            raise ObjectNotFound(key) from None
        except ObjectStoreUnavailable as exc:
            if isinstance(exc.__cause__, S3Error) and exc.__cause__.code == "InvalidRange":
                return b""
            raise

    async def stat(self, key: str) -> ObjectInfo | None:
        name = self._name(key)
        await self._ready()
        try:
            found = await self._run(self._client.stat_object, self.bucket, name)
        except ObjectNotFound:
            return None
        return ObjectInfo(key=key, size=found.size or 0, modified=found.last_modified or datetime.now(UTC))

    async def exists_many(self, keys: Iterable[str]) -> set[str]:
        return set(await self.sizes_many(keys))

    async def sizes_many(self, keys: Iterable[str]) -> dict[str, int]:
        unique = list(dict.fromkeys(keys))
        for key in unique:
            validate_key(key)
        found = await asyncio.gather(*(self.stat(key) for key in unique))
        return {key: info.size for key, info in zip(unique, found, strict=True) if info is not None}

    async def delete(self, key: str) -> None:
        name = self._name(key)
        await self._ready()
        try:
            await self._run(self._client.remove_object, self.bucket, name)
        except ObjectNotFound:
            return

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        await self._ready()
        listing = self._client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True)
        iterator = iter(listing)

        def next_batch() -> list[ObjectInfo]:
            batch = []
            for item in iterator:
                if item.is_dir:
                    continue
                batch.append(
                    ObjectInfo(
                        key=item.object_name[len(self.prefix) :],
                        size=item.size or 0,
                        modified=item.last_modified or datetime.now(UTC),
                    )
                )
                if len(batch) >= _LIST_BATCH:
                    break
            return batch

        while batch := await self._run(next_batch):
            for info in batch:
                yield info

    async def presign_get(self, key: str, expires_s: int = 3600) -> str | None:
        name = self._name(key)
        await self._ready()
        return await self._run(
            self._client.presigned_get_object, self.bucket, name, expires=timedelta(seconds=expires_s)
        )

    async def check(self) -> None:
        await self._ready()
        if not await self._run(self._client.bucket_exists, self.bucket):
            raise ObjectStoreUnavailable(f"bucket {self.bucket!r} does not exist")

    def close(self) -> None:
        """Stop the worker threads (pending calls finish first)."""
        self._executor.shutdown(wait=True)
