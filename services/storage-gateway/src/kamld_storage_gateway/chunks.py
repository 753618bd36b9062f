"""Chunks by digest over any object store, verified on the way in and on the way out.

A chunk whose bytes do not hash to their digest is refused on write (the client sent something
else than it named) and never served on read (the store returned something else than was
written). A corrupt read is counted in ``kamld_storage_corrupt_chunks_total`` and reported as
:class:`CorruptChunk` (HTTP 502: the gateway's backing store, not the client, is at fault, and a
retry may read good bytes when the damage happened in transit).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import structlog
from prometheus_client import Counter

from kamld_common.errors import Invalid, KamldError, NotFound
from kamld_content.framing import Chunk
from kamld_content.hashing import digest_bytes, digest_from_key, object_key
from kamld_storage_gateway.objectstore.base import ObjectNotFound, ObjectStore

log = structlog.get_logger("kamld.storage.chunks")

CORRUPT_CHUNKS = Counter(
    "kamld_storage_corrupt_chunks_total",
    "Chunks whose stored bytes did not match their digest when read (never served).",
    ["backend"],
)


class CorruptChunk(KamldError):
    """The stored bytes of a chunk do not match its digest."""

    status = 502
    code = "corrupt_chunk"
    title = "Stored chunk is corrupt"


class ChunkNotFound(NotFound):
    code = "chunk_not_found"
    title = "Chunk not found"


def _first_corrupt(pairs: Sequence[tuple[str, bytes]]) -> int | None:
    for index, (digest, data) in enumerate(pairs):
        if digest_bytes(data) != digest:
            return index
    return None


def _checked_key(digest: str, field: str = "digest", index: int | None = None) -> str:
    """The object key of ``digest``; Invalid naming ``field`` (``field[index]``) when it is malformed."""
    try:
        return object_key(digest)
    except ValueError as exc:
        named = field if index is None else f"{field}[{index}]"
        raise Invalid(str(exc), field=named, code="invalid_digest") from None


class ChunkStore:
    """Content-addressed chunks: ``put`` verifies, ``get`` verifies, ``missing`` answers in batches.

    ``cache_bytes`` > 0 keeps recently read chunks (already verified) in a small LRU.
    """

    def __init__(self, objects: ObjectStore, *, cache_bytes: int = 0) -> None:
        self.objects = objects
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_limit = cache_bytes
        self._cache_size = 0

    async def put(self, digest: str, data: bytes) -> bool:
        """Store ``data`` as chunk ``digest``; True when it was new. Raises Invalid on a mismatch."""
        key = _checked_key(digest)
        actual = digest_bytes(data)
        if actual != digest:
            raise Invalid(
                f"chunk content hashes to {actual}, not {digest}",
                field="digest",
                code="digest_mismatch",
                extra={"expected": digest, "actual": actual},
            )
        return await self.objects.put_if_absent(key, data)

    async def put_verified(self, frames: Sequence[tuple[str, Chunk]]) -> set[str]:
        """Store chunks whose bytes the caller has already checked against their digests, all at once.

        Returns the digests of those that were new. The object store writes them concurrently, so a
        batch of many small chunks costs about as much as a few large ones.
        """
        items = [(_checked_key(digest, "chunks", index), data) for index, (digest, data) in enumerate(frames)]
        digests = {key: digest for (key, _), (digest, _) in zip(items, frames, strict=True)}
        return {digests[key] for key in await self.objects.put_many_if_absent(items)}

    async def get(self, digest: str) -> bytes:
        """The verified bytes of chunk ``digest``; ChunkNotFound or CorruptChunk otherwise."""
        key = _checked_key(digest)
        cached = self._cache.get(digest)
        if cached is not None:
            self._cache.move_to_end(digest)
            return cached
        try:
            data = await self.objects.get(key)
        except ObjectNotFound:
            raise ChunkNotFound(f"chunk {digest} does not exist", extra={"digest": digest}) from None
        if digest_bytes(data) != digest:
            CORRUPT_CHUNKS.labels(self.objects.name).inc()
            log.error("corrupt_chunk", digest=digest, key=key, size=len(data), backend=self.objects.name)
            raise CorruptChunk(
                f"chunk {digest} failed verification and was not served", extra={"digest": digest}
            )
        self._remember(digest, data)
        return data

    async def get_many(self, digests: Sequence[str], max_bytes: int = 4 << 20) -> list[tuple[str, bytes]]:
        """The verified bytes of a prefix of ``digests`` (at least one; more while under ``max_bytes``).

        One object store call reads them and one worker thread verifies them, so a batch of small
        chunks does not pay a thread hop and an event-loop turn per chunk. The first chunk that
        fails verification raises :class:`CorruptChunk` like :meth:`get`.
        """
        keys = [_checked_key(digest, "digests", index) for index, digest in enumerate(digests)]
        if not keys:
            return []
        cached = self._cache.get(digests[0])
        if cached is not None:
            self._cache.move_to_end(digests[0])
            return [(digests[0], cached)]
        try:
            found = await self.objects.get_many(keys, max_bytes)
        except ObjectNotFound as exc:
            missing = digest_from_key(exc.args[0]) if exc.args else digests[0]
            raise ChunkNotFound(f"chunk {missing} does not exist", extra={"digest": missing}) from None
        pairs = list(zip(digests, found, strict=False))
        bad = await asyncio.to_thread(_first_corrupt, pairs)
        for digest, data in pairs[: len(pairs) if bad is None else bad]:
            self._remember(digest, data)
        if bad is not None:
            digest, data = pairs[bad]
            CORRUPT_CHUNKS.labels(self.objects.name).inc()
            log.error(
                "corrupt_chunk", digest=digest, key=keys[bad], size=len(data), backend=self.objects.name
            )
            raise CorruptChunk(
                f"chunk {digest} failed verification and was not served", extra={"digest": digest}
            )
        return pairs

    async def exists(self, digest: str) -> bool:
        return not await self.missing([digest])

    async def sizes(self, digests: Iterable[str]) -> dict[str, int]:
        """The stored size of each of ``digests`` that is stored; absent ones are left out."""
        keys = {}
        for index, digest in enumerate(dict.fromkeys(digests)):
            keys[digest] = _checked_key(digest, "digests", index)
        found = await self.objects.sizes_many(keys.values())
        return {digest: found[key] for digest, key in keys.items() if key in found}

    async def missing(self, digests: Iterable[str]) -> list[str]:
        """The digests of ``digests`` not stored, in first-seen order without repeats."""
        unique = list(dict.fromkeys(digests))
        stored = await self.sizes(unique)
        return [digest for digest in unique if digest not in stored]

    async def delete(self, digest: str) -> None:
        """Remove a chunk (garbage collection); absent chunks are not an error."""
        key = _checked_key(digest)
        self._forget(digest)
        await self.objects.delete(key)

    def _remember(self, digest: str, data: bytes) -> None:
        if len(data) > self._cache_limit // 4:
            return
        self._cache[digest] = data
        self._cache_size += len(data)
        while self._cache_size > self._cache_limit:
            _, evicted = self._cache.popitem(last=False)
            self._cache_size -= len(evicted)

    def _forget(self, digest: str) -> None:
        removed = self._cache.pop(digest, None)
        if removed is not None:
            self._cache_size -= len(removed)
