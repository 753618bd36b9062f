"""Content digests: ``"blake3:<64 lowercase hex>"`` strings, and where objects live by digest.

The algorithm name travels with the digest so that a later algorithm can sit beside BLAKE3
without ambiguity, in manifests, object keys and on the wire alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import blake3

ALGORITHM = "blake3"
DIGEST_PREFIX = f"{ALGORITHM}:"
HEX_LENGTH = 64

# Below this size threading costs more than it saves; above it BLAKE3's tree hashing spreads over cores.
_THREADED_MIN_BYTES = 1 << 20
_READ_BLOCK = 8 << 20

_HEX = re.compile(rf"[0-9a-f]{{{HEX_LENGTH}}}")
# One C-level match for the common case: a push checks every chunk digest at several layers.
_WELL_FORMED = re.compile(rf"{ALGORITHM}:([0-9a-f]{{{HEX_LENGTH}}})")


def format_digest(hex_digest: str) -> str:
    """``"blake3:" + hex`` for a 64-character lowercase hex string."""
    return DIGEST_PREFIX + hex_digest


def digest_bytes(data: bytes | bytearray | memoryview, *, threaded: bool = True) -> str:
    """The digest of ``data``, using several threads for large buffers (BLAKE3 releases the GIL).

    ``threaded=False`` keeps it on the calling thread, as for :class:`Hasher`.
    """
    threads = blake3.blake3.AUTO if threaded and len(data) >= _THREADED_MIN_BYTES else 1
    return format_digest(blake3.blake3(data, max_threads=threads).hexdigest())


class Hasher:
    """Incremental digest of a stream fed piece by piece, e.g. a file read in blocks.

    ``threaded=False`` keeps BLAKE3 on the calling thread: right for a caller that already runs
    beside other busy threads, where spreading each update over the cores only adds hand-offs.
    """

    def __init__(self, *, threaded: bool = True) -> None:
        self._hasher = blake3.blake3(max_threads=blake3.blake3.AUTO if threaded else 1)
        self.size = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._hasher.update(data)
        self.size += len(data)

    def digest(self) -> str:
        return format_digest(self._hasher.hexdigest())

    def copy(self) -> Hasher:
        """A hasher in this one's state, fed on apart from it: a point to go back to."""
        twin = Hasher.__new__(Hasher)
        twin._hasher = self._hasher.copy()
        twin.size = self.size
        return twin


def digest_file(path: str | Path) -> str:
    """The digest of a file's content, read in bounded blocks."""
    hasher = Hasher()
    buffer = bytearray(_READ_BLOCK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as stream:
        while read := stream.readinto(buffer):
            hasher.update(view[:read])
    return hasher.digest()


def parse_digest(value: str) -> str:
    """The 64-character hex part of ``value``; raises ValueError naming what is wrong with it."""
    if type(value) is str and (match := _WELL_FORMED.fullmatch(value)):
        return match.group(1)
    if not isinstance(value, str):
        raise ValueError(f"a digest must be a string like 'blake3:<64 hex>', got {type(value).__name__}")
    algorithm, sep, hex_digest = value.partition(":")
    if not sep:
        raise ValueError(f"digest {value[:80]!r} lacks the algorithm prefix: expected 'blake3:<64 hex>'")
    if algorithm != ALGORITHM:
        raise ValueError(f"digest algorithm {algorithm[:32]!r} is not supported: only {ALGORITHM!r}")
    if len(hex_digest) != HEX_LENGTH:
        raise ValueError(
            f"digest {value[:80]!r} must have {HEX_LENGTH} hex characters, has {len(hex_digest)}"
        )
    if not _HEX.fullmatch(hex_digest):
        raise ValueError(f"digest {value[:80]!r} must be lowercase hexadecimal")
    return hex_digest


def is_digest(value: str) -> bool:
    try:
        parse_digest(value)
    except ValueError:
        return False
    return True


def object_key(digest: str) -> str:
    """Where the object with ``digest`` is stored: ``blake3/<hex[:2]>/<hex[2:]>``."""
    hex_digest = parse_digest(digest)
    return f"{ALGORITHM}/{hex_digest[:2]}/{hex_digest[2:]}"


def digest_from_key(key: str) -> str:
    """The digest an :func:`object_key` names; raises ValueError for any other key."""
    algorithm, _, rest = key.partition("/")
    head, _, tail = rest.partition("/")
    digest = format_digest(head + tail)
    if algorithm != ALGORITHM or len(head) != 2 or object_key(digest) != key:
        raise ValueError(f"{key[:120]!r} is not a content object key")
    return digest
