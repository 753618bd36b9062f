"""Write counters by name, shared by every worker process of one gateway through a mapped file.

A worker that handles a push or an alias move advances the artifact's counter; every worker's
version cache stores the counter with each answer and serves it only while the counter is
unchanged. A client therefore reads its own writes whichever worker of the gateway it reaches.
Token revocations advance a counter of their own, which tells every worker to forget the tokens
it remembers (``auth/service.py``).
Reading a counter is one aligned 8-byte load from shared memory; advancing it takes an exclusive
``flock`` on the file, so two workers writing at once never lose an increment. Artifacts share
slots by hash: a collision only costs a spurious miss.
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

import structlog

log = structlog.get_logger("kamld.workbench_api.epochs")

SLOTS = 4096
_SLOT = struct.Struct("<Q")


def _slot(name: str) -> int:
    return (zlib.crc32(name.encode()) % SLOTS) * _SLOT.size


class WriteEpochs:
    """Counters in ``path`` (created if absent), or private to this process when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self._fd: int | None = None
        if path is None:
            self._map: mmap.mmap | bytearray = bytearray(SLOTS * _SLOT.size)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked():
            if os.fstat(self._fd).st_size < SLOTS * _SLOT.size:
                os.ftruncate(self._fd, SLOTS * _SLOT.size)
        self._map = mmap.mmap(self._fd, SLOTS * _SLOT.size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def current(self, name: str) -> int:
        return _SLOT.unpack_from(self._map, _slot(name))[0]

    def advance(self, name: str) -> None:
        offset = _slot(name)
        with self._locked():
            _SLOT.pack_into(self._map, offset, _SLOT.unpack_from(self._map, offset)[0] + 1)

    def close(self) -> None:
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def open_write_epochs(path: Path) -> WriteEpochs:
    """Shared counters in ``path``; private ones (and a warning) where the file cannot be made, as
    on a read-only filesystem: each worker then sees other workers' writes within the cache TTL."""
    try:
        return WriteEpochs(path)
    except OSError as exc:
        log.warning("write_epochs_private", path=str(path), error=str(exc))
        return WriteEpochs(None)
