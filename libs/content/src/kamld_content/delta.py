"""Sub-chunk deltas: a chunk told as the bytes it shares with a base chunk at each end, and the rest.

An edit inside a file changes the chunks around it, but the chunk that holds the edit's start
still begins with the bytes the old chunk at that offset began with (and the one holding its end
still ends like the old one). A client that holds the old chunk needs only the middle:
storage-gateway answers ``POST /chunks/delta`` with, per chunk, the length of the prefix and of
the suffix it shares with the base, and the bytes between them. Each answer is one frame of the
batch framing (:mod:`kamld_content.framing`) whose payload is::

    u64  prefix length p, big-endian
    u64  suffix length s, big-endian
    ...  the chunk's bytes from p to its length minus s
"""

from __future__ import annotations

import struct
from typing import NamedTuple

MEDIA_TYPE = "application/vnd.kamld.chunk-deltas"
_LENGTHS = struct.Struct(">QQ")
_BLOCK = 64 << 10


class Delta(NamedTuple):
    """A chunk against its base: ``base[:prefix] + middle + base[len(base) - suffix:]``."""

    prefix: int
    suffix: int
    middle: bytes

    def encode(self) -> bytes:
        return _LENGTHS.pack(self.prefix, self.suffix) + self.middle

    @classmethod
    def decode(cls, payload: bytes) -> Delta:
        if len(payload) < _LENGTHS.size:
            raise ValueError(f"a delta payload of {len(payload)} bytes is too short")
        prefix, suffix = _LENGTHS.unpack_from(payload)
        return cls(prefix, suffix, payload[_LENGTHS.size :])

    @property
    def size(self) -> int:
        """The chunk's size once rebuilt."""
        return self.prefix + len(self.middle) + self.suffix

    def rebuild(self, base: bytes) -> bytes:
        """The chunk, from its base; :class:`ValueError` when the base is too short for the delta."""
        if self.prefix + self.suffix > len(base):
            raise ValueError(f"a base of {len(base)} bytes cannot give {self.prefix} + {self.suffix} bytes")
        return b"".join((base[: self.prefix], self.middle, base[len(base) - self.suffix :]))


def common_prefix(a: bytes | memoryview, b: bytes | memoryview) -> int:
    """How many leading bytes ``a`` and ``b`` share.

    Compared a block at a time (each comparison a ``memcmp``), then the differing block halved
    down to its first differing byte: linear in the shared length, without a Python loop per byte.
    """
    left, right = memoryview(a).cast("B"), memoryview(b).cast("B")
    limit = min(len(left), len(right))
    start = 0
    while start < limit:
        end = min(start + _BLOCK, limit)
        if left[start:end] != right[start:end]:
            break
        start = end
    else:
        return limit
    low, high = start, min(start + _BLOCK, limit)  # the first difference lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if left[low:middle] == right[low:middle]:
            low = middle
        else:
            high = middle
    return low


def common_suffix(a: bytes | memoryview, b: bytes | memoryview, *, skip: int = 0) -> int:
    """How many trailing bytes ``a`` and ``b`` share, among the bytes after their first ``skip``.

    ``skip`` (the common prefix) keeps the two ends from overlapping, so the prefix, the suffix
    and the middle always add up to the chunk.
    """
    left, right = memoryview(a).cast("B")[skip:], memoryview(b).cast("B")[skip:]
    return common_prefix(left[::-1].tobytes(), right[::-1].tobytes())


def delta(chunk: bytes | memoryview, base: bytes | memoryview) -> Delta:
    """``chunk`` told against ``base``."""
    prefix = common_prefix(chunk, base)
    suffix = common_suffix(chunk, base, skip=prefix)
    view = memoryview(chunk).cast("B")
    return Delta(prefix, suffix, view[prefix : len(view) - suffix].tobytes())
