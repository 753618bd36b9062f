"""Downloading files into a directory: many small files per request, large files streamed, deltas patched.

Small files travel together: one ``/chunks/read`` request fetches the chunks of many files (at
most ``download_batch_bytes`` and ``download_batch_digests``) on a download thread, and the
calling thread writes those files: where creating a file costs only CPU, eight threads creating
files at once spent more of their time handing the GIL to each other than writing, in wall time
and in CPU time (docs/storage.md, "Downloads"). Where each creation waits
on the disk instead (``slow_file_create_s``, measured on the batches the calling thread writes),
the download threads write their own batches from then on, so the waits overlap
(:class:`_SmallFileWriting`). A file too large for a batch streams on its own, a group of chunks
at a time, written around the page cache unless ``direct_writes`` is false
(:mod:`kamld_content.direct`). A file whose earlier version is on disk downloads only the chunks
it does not share with it (:func:`~kamld.transfer.writing.write_patched_file`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import httpx

from kamld.bulk import ChunkChannel, open_channel
from kamld.errors import IntegrityError
from kamld.transfer.limits import TransferLimits
from kamld.transfer.progress import _Counter
from kamld.transfer.writing import (
    _AnswerSlots,
    _distinct_digests,
    _write_large_file,
    _write_whole,
    write_patched_file,
)
from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry
from kamld_content.paths import InvalidPath, normalize_path

log = logging.getLogger("kamld")

ToWrite = tuple[FileEntry, list[ChunkRef] | None]
"""A file to write, with the chunks of its earlier version on disk when a delta can use them."""


@dataclass(frozen=True)
class Downloaded:
    files_written: int
    bytes_downloaded: int
    bytes_reused: int
    written: list[FileEntry]


def download_files(
    client: httpx.Client,
    base_path: str,
    root: Path,
    items: Iterable[ToWrite],
    counter: _Counter,
    limits: TransferLimits,
    *,
    concurrency: int,
    direct_writes: bool,
) -> Downloaded:
    """Write every file of ``items`` under ``root``, each verified and renamed into place."""
    tally = _PullTally()
    writing = _SmallFileWriting(limits)
    slots = _AnswerSlots(limits.large_file_answers_open)
    written: list[FileEntry] = []

    def fetch(batch: list[ToWrite]) -> _FetchedBatch | None:
        """On a download thread: writes a large or patched file; returns small files' bytes."""
        if len(batch) == 1:
            entry, earlier = batch[0]
            target = target_path(root, entry.path)
            if earlier:
                patched = write_patched_file(channel, target, entry, earlier, counter, limits)
                if patched is not None:
                    tally.written(patched[0], reused=patched[1])
                    return None
                log.info("%s changed while it was reused: downloading it whole", entry.path)
            if _is_large(entry, limits):
                received = _write_large_file(
                    channel, target, entry, counter, slots, limits, direct=direct_writes
                )
                tally.written(received)
                return None
        wanted = [(entry, target_path(root, entry.path)) for entry, _ in batch]
        fetched = _FetchedBatch(wanted, _fetch(channel, (ref for entry, _ in wanted for ref in entry.chunks)))
        if writing.spread:
            tally.written(_write_batch(fetched, counter), files=len(fetched.files))
            return None
        return fetched

    def write_done(done: Iterable[Future[_FetchedBatch | None]]) -> None:
        for future in done:
            fetched = future.result()
            if fetched is not None:
                tally.written(writing.timed(fetched, counter), files=len(fetched.files))

    # Connections kept for reuse: one per download thread, and one per open answer of a large file.
    channel = open_channel(
        client, base_path, "/chunks/grant", connections=concurrency + limits.large_file_answers_open
    )
    with channel, ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending: set[Future[_FetchedBatch | None]] = set()
        try:
            for batch in _download_batches(items, limits):
                written.extend(entry for entry, _ in batch)
                pending.add(pool.submit(fetch, batch))
                if len(pending) >= concurrency:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                else:
                    # Batches already fetched are written now, not after the listing is read on.
                    done = {future for future in pending if future.done()}
                    pending -= done
                write_done(done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                write_done(done)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return Downloaded(tally.files_written, tally.bytes_received, tally.bytes_reused, written)


def target_path(root: Path, path: str) -> Path:
    """Where the manifest's ``path`` goes under ``root``; a path not in normal form is refused."""
    try:
        if normalize_path(path) != path:
            raise InvalidPath(path, "is not in normal form")
    except InvalidPath as exc:
        raise IntegrityError(f"the manifest holds an unsafe path: {exc}", code="unsafe_path") from None
    return root.joinpath(*path.split("/"))


class _SmallFileWriting:
    """Who writes a pull's small files: the calling thread, until one of its batches shows that
    the filesystem makes each creation wait; then every download thread writes its own batches.

    Where each creation waits in the kernel, eight threads creating files overlap the waits and
    pull many small files much faster than one; where creation costs only CPU (tmpfs, a fast local
    disk), the download threads writing only hand the GIL back and forth, so that is not the
    default (docs/storage.md, "Moving data: batching").
    """

    def __init__(self, limits: TransferLimits) -> None:
        self.spread = False
        self.slow_s = limits.slow_file_create_s

    def timed(self, batch: _FetchedBatch, counter: _Counter) -> int:
        """Write ``batch`` on this thread; bytes received. A slow batch spreads the later ones."""
        started = time.perf_counter()
        received = _write_batch(batch, counter)
        if not self.spread and time.perf_counter() - started > self.slow_s * len(batch.files):
            log.info("file creation waits on the filesystem: writing small files on every download thread")
            self.spread = True
        return received


class _PullTally:
    """Files written, and bytes received and reused, added up across download threads."""

    def __init__(self) -> None:
        self.files_written = self.bytes_received = self.bytes_reused = 0
        self._lock = threading.Lock()

    def written(self, received: int, *, files: int = 1, reused: int = 0) -> None:
        with self._lock:
            self.files_written += files
            self.bytes_received += received
            self.bytes_reused += reused


def _is_large(entry: FileEntry, limits: TransferLimits) -> bool:
    return entry.size > limits.download_batch_bytes or len(entry.chunks) > limits.download_batch_digests


def _download_batches(items: Iterable[ToWrite], limits: TransferLimits) -> Iterator[list[ToWrite]]:
    """Files grouped so that each group's chunks fit one batched read; a large file, or one patched
    from its earlier version, is a group alone."""
    batch: list[ToWrite] = []
    size = digests = 0
    for item in items:
        entry, earlier = item
        if earlier or _is_large(entry, limits):
            yield [item]
            continue
        if batch and (
            size + entry.size > limits.download_batch_bytes
            or digests + len(entry.chunks) > limits.download_batch_digests
        ):
            yield batch
            batch, size, digests = [], 0, 0
        batch.append(item)
        size += entry.size
        digests += len(entry.chunks)
    if batch:
        yield batch


def _fetch(channel: ChunkChannel, refs: Iterable[ChunkRef]) -> dict[str, bytes]:
    """The verified bytes of ``refs``' chunks in one request, each distinct chunk once."""
    wanted = _distinct_digests(refs)
    return channel.fetch(wanted) if wanted else {}


@dataclass(frozen=True, slots=True)
class _FetchedBatch:
    """Small files to write and their chunks' verified bytes, fetched in one request."""

    files: list[tuple[FileEntry, Path]]
    chunks: dict[str, bytes]


def _write_batch(batch: _FetchedBatch, counter: _Counter) -> int:
    """Write each file of a fetched batch; bytes received."""
    for entry, target in batch.files:
        _write_whole(target, entry, [batch.chunks[ref.digest] for ref in entry.chunks])
        counter.add(entry.size)
    return sum(len(data) for data in batch.chunks.values())
