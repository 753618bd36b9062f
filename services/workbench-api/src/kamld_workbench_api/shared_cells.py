"""Numbers by key, shared by every worker process of one gateway through a mapped file.

Write epochs and per-token rate budgets both need a small table that all workers of a gateway read
and update without a round trip: fixed-size cells in a memory-mapped file, one per key by hash.
Reading a cell is one aligned load from shared memory; an update is made under an exclusive
``flock`` on the file, so two workers updating at once never lose a write. Keys share cells by
hash; each user says what a collision costs it.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SLOTS = 4096


class SharedCells:
    """``SLOTS`` cells of ``cell`` (one number each) in ``path`` (created if absent), or private to
    this process when ``path`` is None."""

    def __init__(self, path: Path | None, cell: struct.Struct) -> None:
        self._cell = cell
        self._fd: int | None = None
        size = SLOTS * cell.size
        if path is None:
            self._map: mmap.mmap | bytearray = bytearray(size)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self.locked():
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)

    def offset(self, key: str) -> int:
        return (zlib.crc32(key.encode()) % SLOTS) * self._cell.size

    def read(self, offset: int) -> float:
        return self._cell.unpack_from(self._map, offset)[0]

    def write(self, offset: int, value: float) -> None:
        """Only under :meth:`locked`, so that read-modify-write steps of two workers never interleave."""
        self._cell.pack_into(self._map, offset, value)

    @contextmanager
    def locked(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
