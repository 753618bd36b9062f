"""Reading committed content, without HTTP. Only committed manifests are reachable from here."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import AsyncIterator
from dataclasses import dataclass

from kamld_common.db import Database
from kamld_common.errors import Invalid, KamldError, NotFound
from kamld_content.delta import delta
from kamld_content.framing import frame_header, frame_length
from kamld_content.manifest import FileEntry
from kamld_content.paths import InvalidPath, normalize_path
from kamld_storage_gateway.chunks import ChunkNotFound, ChunkStore
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.uploads.repository import UploadRepository

READ_GROUP_DIGESTS = 256
MAX_DELTA_BASE_BYTES = 16 << 20
"""Most bytes of base chunks one delta may name: they are held in memory to compare."""


class RangeNotSatisfiable(KamldError):
    status = 416
    code = "range_not_satisfiable"
    title = "Range not satisfiable"


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range of a ``Range`` header, None for the whole file (absent or multi-range).

    Raises :class:`RangeNotSatisfiable` for a range that selects nothing of a ``size``-byte file.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    unsatisfiable = RangeNotSatisfiable(
        f"range {header!r} selects nothing of a {size}-byte file", extra={"size": size}
    )
    if not dash:
        raise unsatisfiable
    try:
        if first == "":
            suffix = int(last)
            if suffix <= 0 or size == 0:
                raise unsatisfiable
            return ByteRange(max(0, size - suffix), size - 1)
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        raise unsatisfiable from None
    if start < 0 or start >= size or end < start:
        raise unsatisfiable
    return ByteRange(start, min(end, size - 1))


@dataclass(frozen=True, slots=True)
class ChunkBatch:
    """Chunks about to be read, with their stored sizes: the length of the answer is known first.

    Knowing it lets the answer carry a ``Content-Length`` instead of being chunked, which spares
    the server a copy of every chunk (HTTP chunked encoding joins each piece with its size line).
    """

    sizes: dict[str, int]
    chunks: AsyncIterator[tuple[str, bytes]]

    @property
    def encoded_length(self) -> int:
        return sum(frame_length(digest, size) for digest, size in self.sizes.items())

    async def encoded(self) -> AsyncIterator[bytes]:
        """The batch framing, a header and a chunk at a time (never joined: that would copy the chunk).

        A chunk whose verified size is not the size announced ends the answer early, so the
        reader sees a short body rather than a wrong frame.
        """
        async for digest, data in self.chunks:
            if len(data) != self.sizes[digest]:
                raise RuntimeError(f"chunk {digest} is {len(data)} bytes, {self.sizes[digest]} announced")
            yield frame_header(digest, len(data))
            yield data


@dataclass(frozen=True, slots=True)
class DeltaWanted:
    """A chunk to tell against the bytes ``[base_offset, base_offset + base_size)`` of the
    concatenated ``base`` chunks (to their end when ``base_size`` is None)."""

    digest: str
    base: tuple[str, ...]
    base_offset: int = 0
    base_size: int | None = None


class DownloadService:
    """Reads of committed content. A chunk an upload stored that no committed manifest names yet
    (see :class:`~kamld_storage_gateway.models.PendingChunk`) is reported as not stored."""

    def __init__(self, manifests: ManifestService, chunks: ChunkStore, database: Database) -> None:
        self.manifests = manifests
        self.chunks = chunks
        self.database = database

    async def _pending_among(self, digests: list[str]) -> set[str]:
        async with self.database.unit_of_work() as session:
            return await UploadRepository(session).pending_among(digests)

    async def chunk(self, digest: str) -> bytes:
        """The verified bytes of a committed chunk; :class:`ChunkNotFound` for an absent or pending one."""
        if await self._pending_among([digest]):
            raise ChunkNotFound(f"chunk {digest} does not exist", extra={"digest": digest})
        return await self.chunks.get(digest)

    async def file(self, digest: str, raw_path: str) -> FileEntry:
        try:
            path = normalize_path(raw_path)
        except InvalidPath:
            path = None
        entry = await self.manifests.get_file(digest, path) if path is not None else None
        if entry is None:
            await self.manifests.summary(digest)  # an unknown manifest is reported as such
            raise NotFound(
                f"no file {raw_path!r} in manifest {digest}",
                code="file_not_found",
                extra={"path": raw_path, "digest": digest},
            )
        return entry

    async def iter_content(
        self, entry: FileEntry, byte_range: ByteRange | None = None
    ) -> AsyncIterator[bytes]:
        """The file's bytes (or a range of them), chunk by chunk, each chunk verified."""
        if entry.size == 0:
            return
        wanted = byte_range or ByteRange(0, entry.size - 1)
        offsets = [chunk.offset for chunk in entry.chunks]
        index = bisect.bisect_right(offsets, wanted.start) - 1
        for chunk in entry.chunks[index:]:
            if chunk.offset > wanted.end:
                return
            data = await self.chunks.get(chunk.digest)
            low = max(wanted.start - chunk.offset, 0)
            high = min(wanted.end - chunk.offset + 1, chunk.size)
            yield data[low:high]

    async def _committed_sizes(self, unique: list[str]) -> dict[str, int]:
        """The stored sizes of ``unique``; :class:`NotFound` listing any absent or still pending."""
        sizes = await self.chunks.sizes(unique)
        pending = await self._pending_among(unique)
        absent = [digest for digest in unique if digest not in sizes or digest in pending]
        if absent:
            raise NotFound(
                f"{len(absent)} chunk(s) are not stored",
                code="chunk_not_found",
                extra={"missing": sorted(absent)[:1000]},
            )
        return sizes

    async def read_chunks(self, digests: list[str]) -> ChunkBatch:
        """The named chunks, verified, a group at a time, and the length of their encoding.

        :class:`NotFound` (raised before any byte is sent) lists the absent ones.
        """
        unique = list(dict.fromkeys(digests))
        sizes = await self._committed_sizes(unique)
        return ChunkBatch(sizes, self._iter_chunks(unique))

    async def read_deltas(self, wanted: list[DeltaWanted]) -> list[tuple[str, bytes]]:
        """Each wanted chunk told against its base: ``(chunk digest, encoded delta)``, in order.

        Every chunk named, wanted or base, must be committed: a pending or absent one is
        :class:`NotFound` (listing them) before anything is read, as for :meth:`read_chunks`.
        """
        unique = list(dict.fromkeys(digest for item in wanted for digest in (item.digest, *item.base)))
        sizes = await self._committed_sizes(unique)
        for index, item in enumerate(wanted):
            if sum(sizes[digest] for digest in item.base) > MAX_DELTA_BASE_BYTES:
                raise Invalid(
                    f"the base chunks of a delta may hold at most {MAX_DELTA_BASE_BYTES} bytes",
                    field=["body", "chunks", index, "base"],
                    code="base_too_large",
                )
        answers: list[tuple[str, bytes]] = []
        for item in wanted:
            target = await self.chunks.get(item.digest)
            joined = b"".join([await self.chunks.get(digest) for digest in item.base])
            end = len(joined) if item.base_size is None else item.base_offset + item.base_size
            base = memoryview(joined)[item.base_offset : end]
            answers.append((item.digest, (await asyncio.to_thread(delta, target, base)).encode()))
        return answers

    async def _iter_chunks(self, digests: list[str]) -> AsyncIterator[tuple[str, bytes]]:
        """A few MiB at a time: one store read and one verification pass per group, memory bounded.

        The next group is read and verified while the current one is sent, so a store that waits
        on its disk or on the network (a cold read, S3) does not stall the answer between groups.
        """
        if not digests:
            return
        upcoming: asyncio.Task[list[tuple[str, bytes]]] | None = asyncio.ensure_future(
            self.chunks.get_many(digests[:READ_GROUP_DIGESTS])
        )
        position = 0
        try:
            while upcoming is not None:
                group = await upcoming
                position += len(group)
                upcoming = None
                if position < len(digests):
                    wanted = digests[position : position + READ_GROUP_DIGESTS]
                    upcoming = asyncio.ensure_future(self.chunks.get_many(wanted))
                for digest, data in group:
                    yield digest, data
        finally:
            if upcoming is not None:
                # The answer was abandoned (the client went away, or a chunk failed): the read
                # ahead is not wanted, and a failure it met is not news.
                upcoming.cancel()
                upcoming.add_done_callback(lambda task: task.cancelled() or task.exception())
