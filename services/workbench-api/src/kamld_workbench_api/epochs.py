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

import struct
from pathlib import Path

import structlog

from kamld_workbench_api.shared_cells import SharedCells

log = structlog.get_logger("kamld.workbench_api.epochs")


class WriteEpochs:
    """Counters in ``path`` (created if absent), or private to this process when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self._cells = SharedCells(path, struct.Struct("<Q"))

    def current(self, name: str) -> int:
        return int(self._cells.read(self._cells.offset(name)))

    def advance(self, name: str) -> None:
        offset = self._cells.offset(name)
        with self._cells.locked():
            self._cells.write(offset, self._cells.read(offset) + 1)

    def close(self) -> None:
        self._cells.close()


def open_write_epochs(path: Path) -> WriteEpochs:
    """Shared counters in ``path``; private ones (and a warning) where the file cannot be made, as
    on a read-only filesystem: each worker then sees other workers' writes within the cache TTL."""
    try:
        return WriteEpochs(path)
    except OSError as exc:
        log.warning("write_epochs_private", path=str(path), error=str(exc))
        return WriteEpochs(None)
