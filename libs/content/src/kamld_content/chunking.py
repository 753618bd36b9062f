"""Content-defined chunking (FastCDC) of files and buffers, with BLAKE3 digests.

Cut points depend only on the bytes near them, so an edit in the middle of a large file changes
the chunks around the edit and nothing else: the rest deduplicates against the previous version.
Files are read as a stream through a buffer of twice the maximum chunk size, so memory stays
bounded whatever the file size. The sizes are chosen by measurement (``bench/chunk_sizes.py``,
``docs/storage.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import blake3
from pyfastcdc import FastCDC

from kamld_content.hashing import Hasher, digest_bytes, format_digest


@dataclass(frozen=True, slots=True)
class ChunkRef:
    """One chunk of a file: its digest, where it starts in the file, and its length."""

    digest: str
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class FileChunks:
    """A file cut into chunks; ``file_digest`` is the digest of the whole content."""

    size: int
    file_digest: str
    chunks: list[ChunkRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChunkingParams:
    """FastCDC bounds, as pyfastcdc takes them. Inputs no larger than ``whole_below`` stay one chunk.

    FastCDC skips ``min_size`` bytes before looking for a cut, so the measured mean chunk is
    larger than ``avg_size`` (see ``docs/storage.md``).
    """

    min_size: int
    avg_size: int
    max_size: int

    def __post_init__(self) -> None:
        if not 64 <= self.min_size <= self.avg_size <= self.max_size:
            raise ValueError(f"chunk sizes must satisfy 64 <= min <= avg <= max, got {self}")

    @property
    def whole_below(self) -> int:
        return self.min_size

    def new_cutter(self) -> FastCDC:
        """A FastCDC instance; instances are not thread-safe, so each chunking run takes its own."""
        return FastCDC(self.avg_size, min_size=self.min_size, max_size=self.max_size)


DEFAULT_PARAMS = ChunkingParams(min_size=256 * 1024, avg_size=1024 * 1024, max_size=4 * 1024 * 1024)


class ContentChanged(ValueError):
    """A file's bytes no longer match the digest recorded when it was chunked."""


class ReadsInto(Protocol):
    """A binary stream read into caller-owned buffers (a file opened ``rb``, ``io.BytesIO``)."""

    def readinto(self, buffer: memoryview, /) -> int | None: ...


class _HashingReader:
    """Feeds every byte read from ``raw`` to a whole-file hasher on the way to the chunker."""

    def __init__(self, raw: ReadsInto, hasher: Hasher) -> None:
        self._raw = raw
        self._hasher = hasher

    def readinto(self, buffer: memoryview) -> int:
        read = self._raw.readinto(buffer) or 0
        if read:
            self._hasher.update(buffer[:read])
        return read


def _chunk_digest(data: memoryview | bytes) -> str:
    return format_digest(blake3.blake3(data).hexdigest())


def _iter_stream(
    raw: ReadsInto, params: ChunkingParams, hasher: Hasher
) -> Iterator[tuple[ChunkRef, memoryview]]:
    reader = _HashingReader(raw, hasher)
    for chunk in params.new_cutter().cut_stream(reader):
        yield ChunkRef(_chunk_digest(chunk.data), chunk.offset, chunk.length), chunk.data


def iter_stream_chunks(
    stream: ReadsInto, params: ChunkingParams = DEFAULT_PARAMS
) -> Iterator[tuple[ChunkRef, bytes]]:
    """Yield ``(ChunkRef, bytes)`` for each chunk of a binary stream, reading it once."""
    for ref, data in _iter_stream(stream, params, Hasher()):
        yield ref, bytes(data)


def iter_file_chunks(
    path: str | os.PathLike[str], params: ChunkingParams = DEFAULT_PARAMS
) -> Iterator[tuple[ChunkRef, bytes]]:
    """Yield ``(ChunkRef, bytes)`` for each chunk of the file at ``path`` (for uploading)."""
    with open(path, "rb", buffering=0) as raw:
        yield from iter_stream_chunks(raw, params)


def chunk_stream(stream: ReadsInto, params: ChunkingParams = DEFAULT_PARAMS) -> FileChunks:
    """Cut a binary stream into chunks and digest it, in one pass with bounded memory."""
    hasher = Hasher()
    chunks = [ref for ref, _ in _iter_stream(stream, params, hasher)]
    return FileChunks(size=hasher.size, file_digest=hasher.digest(), chunks=chunks)


class FileScan:
    """A file cut into chunks as an iterator of :class:`ChunkRef`, for senders that start early.

    Iterating reads the file once; :meth:`result` is the whole :class:`FileChunks` (with the
    file's digest) once iteration has finished.
    """

    def __init__(self, path: str | os.PathLike[str], params: ChunkingParams = DEFAULT_PARAMS) -> None:
        self.path, self.params = path, params
        self._result: FileChunks | None = None

    def __iter__(self) -> Iterator[ChunkRef]:
        hasher = Hasher()
        refs: list[ChunkRef] = []
        with open(self.path, "rb", buffering=0) as raw:
            for ref, _ in _iter_stream(raw, self.params, hasher):
                refs.append(ref)
                yield ref
        self._result = FileChunks(size=hasher.size, file_digest=hasher.digest(), chunks=refs)

    def result(self) -> FileChunks:
        if self._result is None:
            raise RuntimeError("the file has not been scanned to its end yet")
        return self._result


def chunk_file(path: str | os.PathLike[str], params: ChunkingParams = DEFAULT_PARAMS) -> FileChunks:
    """Cut the file at ``path`` into chunks and digest it, in one pass with bounded memory.

    A file no larger than ``params.whole_below`` is one chunk whatever its bytes, so it is read
    and hashed once, without setting up the chunker (most of the cost for small files).
    """
    return scan_file(path, params)[0]


def scan_file(
    path: str | os.PathLike[str], params: ChunkingParams = DEFAULT_PARAMS, *, size: int | None = None
) -> tuple[FileChunks, bytes | None]:
    """:func:`chunk_file`, also returning the bytes of a file small enough to be one chunk.

    A pusher keeps those bytes to send them without reading the file again; for a larger file
    the second item is None (its chunks are read back when sent). ``size``, when the caller has
    just listed the file, saves measuring it again; what is read decides either way (a file that
    grew past it is read on, one that shrank is taken as it now is).
    """
    # Plain descriptor calls: a push opens every small file once, and a file object per file
    # costs measurably more than the open, fstat and read themselves (see bench/RESULTS.md).
    fd = os.open(path, os.O_RDONLY)
    try:
        if size is None:
            size = os.fstat(fd).st_size
        if size <= params.whole_below:
            # One byte more than the size tells whether the file grew since it was measured.
            data = os.read(fd, size + 1)
            if len(data) > size:
                data += os.read(fd, max(params.whole_below + 1 - len(data), 0))
            if len(data) <= params.whole_below:
                return _whole(data), data
            os.lseek(fd, 0, os.SEEK_SET)
        with open(fd, "rb", buffering=0, closefd=False) as raw:
            return chunk_stream(raw, params), None
    finally:
        os.close(fd)


def _whole(data: bytes | memoryview) -> FileChunks:
    """``data`` as a file of one chunk (none when empty): the chunk's digest is the file's."""
    file_digest = digest_bytes(data)
    chunks = [ChunkRef(file_digest, 0, len(data))] if len(data) else []
    return FileChunks(size=len(data), file_digest=file_digest, chunks=chunks)


def chunk_bytes(data: bytes | bytearray | memoryview, params: ChunkingParams = DEFAULT_PARAMS) -> FileChunks:
    """Cut an in-memory buffer into chunks (the server side of whole-file uploads)."""
    view = memoryview(data)
    if len(view) <= params.whole_below:
        return _whole(view)
    file_digest = digest_bytes(view)
    chunks = [
        ChunkRef(_chunk_digest(chunk.data), chunk.offset, chunk.length)
        for chunk in params.new_cutter().cut_buf(view)
    ]
    return FileChunks(size=len(view), file_digest=file_digest, chunks=chunks)


def read_span(path: str | os.PathLike[str] | Path, ref: ChunkRef) -> bytes:
    """The bytes at ``ref``'s place in the file, unverified: for a sender whose receiver verifies them.

    Only a file that shrank is noticed here; other changes since the file was chunked surface as
    the receiver's digest mismatch.
    """
    with open(path, "rb", buffering=0) as stream:
        data = os.pread(stream.fileno(), ref.size, ref.offset)
    if len(data) != ref.size:
        raise ContentChanged(f"{os.fspath(path)!r} changed since it was chunked (it is shorter now)")
    return data


def read_chunk(path: str | os.PathLike[str] | Path, ref: ChunkRef) -> bytes:
    """The bytes of ``ref`` read back from the file, checked against its digest."""
    with open(path, "rb") as stream:
        stream.seek(ref.offset)
        data = stream.read(ref.size)
    if len(data) != ref.size or digest_bytes(data) != ref.digest:
        raise ContentChanged(
            f"{os.fspath(path)!r} changed since it was chunked (bytes at offset {ref.offset})"
        )
    return data
