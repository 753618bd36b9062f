"""The binary framing of chunk batches (``application/vnd.kamld.chunks``), used both ways.

A batch is zero or more records, back to back, with no header or trailer::

    u8   digest length n (71 for "blake3:<64 hex>")
    n    digest, ASCII
    u64  size s, big-endian
    s    the chunk's bytes

It is trivial to write from any language and can be read incrementally as it arrives.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from typing import cast

MEDIA_TYPE = "application/vnd.kamld.chunks"
_SIZE = struct.Struct(">Q")


class FramingError(ValueError):
    """The bytes are not a well-formed chunk batch."""


class TruncatedBatch(FramingError):
    """The batch stopped inside a frame: its sender stopped, or the connection was lost."""


def frame_header(digest: str, size: int) -> bytes:
    """The bytes that precede a chunk of ``size`` bytes: a sender can write the chunk after it as it is."""
    name = digest.encode("ascii")
    if not 0 < len(name) < 256:
        raise FramingError(f"digest {digest[:80]!r} cannot be framed")
    return bytes([len(name)]) + name + _SIZE.pack(size)


def frame_length(digest: str, size: int) -> int:
    """``len(frame_header(digest, size)) + size`` without building the header, for an ASCII digest.

    A sender declares a batch's length before it frames anything; counting instead of framing
    twice saved 20,000 header builds per 20,000-chunk push or pull.
    """
    return 1 + len(digest) + _SIZE.size + size


def encode_frame(digest: str, data: bytes | memoryview) -> bytes:
    return frame_header(digest, len(data)) + bytes(data)


def encode_frames(frames: Iterable[tuple[str, bytes]]) -> bytes:
    return b"".join(encode_frame(digest, data) for digest, data in frames)


class ChunkPieces:
    """A chunk that arrived in several pieces, kept as views of them rather than joined.

    A receiver that only hashes a chunk and writes it (storage-gateway) takes the pieces one by
    one and never copies the chunk in memory; ``bytes()`` joins them for one that needs a buffer.
    """

    __slots__ = ("parts", "_size")

    def __init__(self, parts: Iterable[memoryview]) -> None:
        self.parts = tuple(parts)
        self._size = sum(len(part) for part in self.parts)

    def __len__(self) -> int:
        return self._size

    def __bytes__(self) -> bytes:
        return b"".join(self.parts)


Chunk = bytes | ChunkPieces


class FrameReader:
    """Incremental decoder: :meth:`feed` bytes as they arrive, get complete ``(digest, data)`` back.

    Each chunk is copied once: the pieces it arrived in are kept (as views) until it is whole,
    then joined into one ``bytes`` of exactly its size. A sender that writes each frame's header
    and its chunk as separate pieces (as storage-gateway and the SDK do) lets a reader that
    receives pieces whole, such as an HTTP client reading one transfer-encoding chunk at a time,
    get each chunk back as the very object it was fed: no copy at all.
    """

    def __init__(self, max_frame_bytes: int | None = None, *, join: bool = True) -> None:
        self.max_frame_bytes = max_frame_bytes
        # False: a chunk that spans pieces comes back as ChunkPieces, not joined into bytes.
        self.join = join
        self._header = bytearray()
        self._digest: str | None = None
        self._size = 0
        self._pieces: list[memoryview] = []
        self._filled = 0

    def feed(self, data: bytes) -> Iterator[tuple[str, Chunk]]:
        if not isinstance(data, bytes):
            # Kept as views until the chunk is whole: a caller may reuse a mutable buffer.
            data = bytes(data)
        if self._digest is not None and not self._filled and len(data) == self._size:
            yield self._take(data)
            return
        view = memoryview(data)
        position, end = 0, len(view)
        while position < end or (self._digest is not None and self._filled == self._size):
            if self._digest is None:
                position = self._read_header(view, position)
                continue
            wanted = self._size - self._filled
            if not self._filled and end - position >= wanted:
                yield self._take(bytes(view[position : position + wanted]))
                position += wanted
                continue
            taken = min(wanted, end - position)
            self._pieces.append(view[position : position + taken])
            self._filled += taken
            position += taken
            if self._filled == self._size:
                yield self._take(b"".join(self._pieces) if self.join else ChunkPieces(self._pieces))

    def _read_header(self, view: memoryview, position: int) -> int:
        """Take header bytes from ``position``; once the header is whole, expect its chunk."""
        held = self._header
        name_length = held[0] if held else view[position]
        if name_length == 0:
            raise FramingError("a frame has an empty digest")
        wanted = 1 + name_length + _SIZE.size
        taken = min(wanted - len(held), len(view) - position)
        held += view[position : position + taken]
        if len(held) == wanted:
            (size,) = _SIZE.unpack_from(held, 1 + name_length)
            if self.max_frame_bytes is not None and size > self.max_frame_bytes:
                raise FramingError(f"a frame of {size} bytes exceeds the limit of {self.max_frame_bytes}")
            try:
                self._digest = bytes(held[1 : 1 + name_length]).decode("ascii")
            except UnicodeDecodeError:
                raise FramingError("a frame's digest is not ASCII") from None
            self._size = size
            held.clear()
        return position + taken

    def _take(self, data: Chunk) -> tuple[str, Chunk]:
        """The frame now complete with ``data``; the reader then waits for the next header."""
        digest = self._digest
        assert digest is not None
        self._digest, self._size, self._pieces, self._filled = None, 0, [], 0
        return digest, data

    def close(self) -> None:
        """Raise when bytes of an unfinished frame are left over."""
        if self._header or self._digest is not None:
            left = len(self._header) + self._filled
            raise TruncatedBatch(f"the batch ends inside a frame ({left} bytes left over)")


def read_frames(read: Callable[[int], bytes]) -> Iterator[tuple[str, bytes]]:
    """The frames of a stream whose ``read(n)`` returns up to ``n`` bytes, and ``b""`` at its end.

    For a body of known length: each chunk is read with one call for exactly its size, so it
    arrives as one ``bytes`` object and is never copied again (:class:`FrameReader` must join
    chunks that arrive split across reads).
    """
    for digest, size in frame_headers(read):
        yield digest, _read_exactly(read, size)


def frame_headers(read: Callable[[int], bytes]) -> Iterator[tuple[str, int]]:
    """Each frame's digest and size; the caller reads the chunk's bytes before asking for the next.

    The way to take a batch into memory of the caller's own (``kamld.bulk.ChunkAnswer``): only
    the headers are read here.
    """
    while head := read(1):
        name_length = head[0]
        if name_length == 0:
            raise FramingError("a frame has an empty digest")
        rest = _read_exactly(read, name_length + _SIZE.size)
        try:
            digest = rest[:name_length].decode("ascii")
        except UnicodeDecodeError:
            raise FramingError("a frame's digest is not ASCII") from None
        (size,) = _SIZE.unpack_from(rest, name_length)
        yield digest, size


def _read_exactly(read: Callable[[int], bytes], count: int) -> bytes:
    data = read(count)
    if len(data) == count:
        return data
    parts = [data]
    got = len(data)
    while got < count:
        more = read(count - got)
        if not more:
            raise TruncatedBatch(f"the batch ends inside a frame ({count - got} bytes short)")
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def decode_frames(data: bytes, max_frame_bytes: int | None = None) -> list[tuple[str, bytes]]:
    reader = FrameReader(max_frame_bytes)
    frames = list(reader.feed(data))
    reader.close()
    return cast(list[tuple[str, bytes]], frames)  # a joining reader answers every chunk as bytes
