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
from collections.abc import Iterable, Iterator

MEDIA_TYPE = "application/vnd.kamld.chunks"
_SIZE = struct.Struct(">Q")


class FramingError(ValueError):
    """The bytes are not a well-formed chunk batch."""


def frame_header(digest: str, size: int) -> bytes:
    """The bytes that precede a chunk of ``size`` bytes: a sender can write the chunk after it as it is."""
    name = digest.encode("ascii")
    if not 0 < len(name) < 256:
        raise FramingError(f"digest {digest[:80]!r} cannot be framed")
    return bytes([len(name)]) + name + _SIZE.pack(size)


def encode_frame(digest: str, data: bytes | memoryview) -> bytes:
    return frame_header(digest, len(data)) + bytes(data)


def encode_frames(frames: Iterable[tuple[str, bytes]]) -> bytes:
    return b"".join(encode_frame(digest, data) for digest, data in frames)


class FrameReader:
    """Incremental decoder: :meth:`feed` bytes as they arrive, get complete ``(digest, data)`` back.

    A sender that writes each frame's header and its chunk as separate pieces (as storage-gateway
    and the SDK do) lets a reader that receives pieces whole, such as an HTTP client reading one
    transfer-encoding chunk at a time, get each chunk back as the very object it was fed: no copy.
    """

    def __init__(self, max_frame_bytes: int | None = None) -> None:
        self.max_frame_bytes = max_frame_bytes
        self._buffer = bytearray()
        self._start = 0

    def feed(self, data: bytes) -> Iterator[tuple[str, bytes]]:
        if self._start:
            del self._buffer[: self._start]
            self._start = 0
        if self._buffer:
            # The buffer holds the start of one frame: parse its header once, here.
            header = self._header()
            if header is not None:
                digest, size, header_length = header
                held = len(self._buffer) - header_length
                if held == 0 and size == len(data) and isinstance(data, bytes):
                    self._buffer.clear()
                    yield digest, data
                    return
                if held + len(data) < size:
                    # Still inside the frame's chunk: nothing to decode yet.
                    self._buffer.extend(data)
                    return
        self._buffer.extend(data)
        while True:
            frame = self._next()
            if frame is None:
                return
            yield frame

    def _header(self) -> tuple[str, int, int] | None:
        """``(digest, size, header length)`` of the frame at the read position, once its header is in."""
        buffer, start = self._buffer, self._start
        if start >= len(buffer):
            return None
        name_length = buffer[start]
        if name_length == 0:
            raise FramingError("a frame has an empty digest")
        header = 1 + name_length + _SIZE.size
        if len(buffer) - start < header:
            return None
        (size,) = _SIZE.unpack_from(buffer, start + 1 + name_length)
        if self.max_frame_bytes is not None and size > self.max_frame_bytes:
            raise FramingError(f"a frame of {size} bytes exceeds the limit of {self.max_frame_bytes}")
        try:
            digest = bytes(buffer[start + 1 : start + 1 + name_length]).decode("ascii")
        except UnicodeDecodeError:
            raise FramingError("a frame's digest is not ASCII") from None
        return digest, size, header

    def _next(self) -> tuple[str, bytes] | None:
        found = self._header()
        if found is None:
            return None
        digest, size, header = found
        start = self._start
        if len(self._buffer) - start < header + size:
            return None
        # One copy, through a view (slicing the bytearray would copy twice); released at once,
        # since a bytearray with a live view cannot be resized by the next feed.
        with memoryview(self._buffer) as view:
            data = bytes(view[start + header : start + header + size])
        self._start = start + header + size
        return digest, data

    def close(self) -> None:
        """Raise when bytes of an unfinished frame are left over."""
        left = len(self._buffer) - self._start
        if left:
            raise FramingError(f"the batch ends inside a frame ({left} bytes left over)")


def decode_frames(data: bytes, max_frame_bytes: int | None = None) -> list[tuple[str, bytes]]:
    reader = FrameReader(max_frame_bytes)
    frames = list(reader.feed(data))
    reader.close()
    return frames
