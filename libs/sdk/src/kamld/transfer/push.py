"""Pushing a directory: chunk locally, send only what the server lacks, commit the sorted file list.

``push_directory`` walks a directory, chunks and hashes its files in threads, asks the server
which chunks it lacks (``missing_batch`` digests per question), sends those in batched requests
in parallel and commits the sorted file list as NDJSON. A push that is interrupted can simply
be run again: chunks already stored are not sent twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kamld.bulk import ChunkChannel, FileSpan, OutgoingChunk, open_channel
from kamld.errors import KamldClientError, PayloadTooLarge, json_of
from kamld.transfer.answers import _answer, _problem_code
from kamld.transfer.limits import DEFAULT_LIMITS, TransferLimits
from kamld.transfer.progress import Progress, ProgressCallback, _Checked, _Counter
from kamld.transfer.scanning import WalkedFile, _file_groups, _LocalFile, _ref_groups, walk_with_stats
from kamld.transfer.workcopy import TrackedFile
from kamld_content.chunking import ChunkRef, ContentChanged, FileChunks, FileScan, read_span, scan_file
from kamld_content.framing import frame_length


@dataclass(frozen=True)
class CommitResult:
    digest: str
    file_count: int
    total_bytes: int
    bytes_sent: int
    bytes_deduplicated: int
    # What was pushed, file by file, with each file's size and mtime as listed: a working copy's state.
    files: list[_LocalFile] = field(default_factory=list, repr=False, compare=False)


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


ChunkToSend = tuple[str, ChunkRef, bytes | None]
Scanned = list[tuple[_LocalFile, bytes | None]]
"""A chunk to send: the file it comes from, its place there, and its bytes if kept from the scan."""


def _bounded_groups(
    items: Iterable[ChunkToSend], size_of: Callable[[ChunkToSend], int], limit: int
) -> Iterator[list[ChunkToSend]]:
    """Consecutive groups whose sizes add up to at most ``limit`` (a larger item is a group alone)."""
    group: list[ChunkToSend] = []
    size = 0
    for item in items:
        item_size = size_of(item)
        if group and size + item_size > limit:
            yield group
            group, size = [], 0
        group.append(item)
        size += item_size
    if group:
        yield group


def _split_to_body_limit(group: list[ChunkToSend], limit: int) -> Iterator[list[ChunkToSend]]:
    """Consecutive parts of ``group`` whose framed bodies fit ``limit`` bytes (a larger chunk goes alone)."""
    return _bounded_groups(group, lambda item: frame_length(item[1].digest, item[1].size), limit)


def _group_by_bytes(
    refs: Iterable[tuple[str, str, ChunkRef, bytes | None]], limit: int
) -> Iterator[list[ChunkToSend]]:
    """``(source, ref, data)`` groups of at most ``limit`` bytes (a larger chunk is a group alone)."""
    return _bounded_groups(
        ((source, ref, data) for _, source, ref, data in refs), lambda item: item[1].size, limit
    )


def _outgoing(source: str, ref: ChunkRef, data: bytes | None) -> OutgoingChunk:
    """A chunk to send: its bytes kept from the scan (small files) or read back unverified.

    storage-gateway verifies every chunk it receives, so a file that changed since it was
    scanned is caught there (``digest_mismatch``) without hashing it a third time here.
    """
    if data is not None:
        return OutgoingChunk(ref.digest, ref.size, lambda: data)
    return OutgoingChunk(
        ref.digest, ref.size, lambda: read_span(source, ref), FileSpan(source, ref.offset, ref.size)
    )


def _mismatched_source(group: list[ChunkToSend], problem: dict[str, Any]) -> str | None:
    """The file whose chunk storage-gateway found not to match its digest (``errors[0].loc``)."""
    try:
        index: int = problem["errors"][0]["loc"][-1]
        return group[index][0]
    except (KeyError, IndexError, TypeError):
        return None


class _Sender:
    """Sends chunk batches on a thread pool while the caller scans on; bounds the bytes in flight."""

    def __init__(
        self,
        channel: ChunkChannel,
        upload_id: str,
        concurrency: int,
        counter: _Counter,
        limits: TransferLimits = DEFAULT_LIMITS,
    ) -> None:
        self.channel, self.upload_id, self.counter, self.limits = channel, upload_id, counter, limits
        self.pool = ThreadPoolExecutor(max_workers=concurrency)
        self.pending: set[Future[int]] = set()
        self.held: dict[Future[int], int] = {}
        self.sent = 0
        # Lowered to the server's limit the first time it refuses a batch as too large.
        self.batch_limit: int | None = None

    def submit(self, group: list[ChunkToSend]) -> None:
        held = sum(ref.size for _, ref, data in group if data is not None)
        while self.pending and (
            len(self.pending) >= self.limits.in_flight_batches
            or sum(self.held.values()) + held > self.limits.in_flight_held_bytes
        ):
            self._reap(FIRST_COMPLETED)
        future = self.pool.submit(self._send, group)
        self.pending.add(future)
        self.held[future] = held

    def _send(self, group: list[ChunkToSend]) -> int:
        if self.batch_limit is None:
            return self._send_batch(group)
        return sum(self._send_batch(part) for part in _split_to_body_limit(group, self.batch_limit))

    def _send_batch(self, group: list[ChunkToSend]) -> int:
        """Send one batch; one the server refuses as too large is split to its limit and sent in parts."""
        try:
            self._send_once(group)
        except PayloadTooLarge as exc:
            limit = exc.problem.get("limit")
            if not isinstance(limit, int) or limit <= 0:
                raise
            parts = list(_split_to_body_limit(group, limit))
            if len(parts) < 2:
                raise
            self.batch_limit = min(limit, self.batch_limit or limit)
            return sum(self._send_batch(part) for part in parts)
        sent = sum(ref.size for _, ref, _ in group)
        self.counter.add(sent)
        return sent

    def _send_once(self, group: list[ChunkToSend]) -> None:
        # A large file's chunks are read back one at a time as the body is sent.
        try:
            self.channel.send(self.upload_id, [_outgoing(source, ref, data) for source, ref, data in group])
        except ContentChanged as exc:
            raise KamldClientError(f"{exc}; push again", code="content_changed") from exc
        except KamldClientError as exc:
            if exc.code != "digest_mismatch":
                raise
            raise KamldClientError(
                f"{_mismatched_source(group, exc.problem) or 'a file'} changed while it was being pushed; "
                "push again",
                code="content_changed",
            ) from exc

    def _reap(self, how: str) -> None:
        done, self.pending = wait(self.pending, return_when=how)
        for future in done:
            self.held.pop(future, None)
            self.sent += future.result()

    def finish(self) -> int:
        # The first failure stops the push: close() then cancels what has not started.
        while self.pending:
            self._reap(FIRST_EXCEPTION)
        return self.sent

    def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)


def push_directory(
    client: httpx.Client,
    base_path: str,
    directory: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    concurrency: int = 8,
    limits: TransferLimits = DEFAULT_LIMITS,
    known: Mapping[str, TrackedFile] | None = None,
) -> CommitResult:
    """Upload ``directory`` as one manifest and return its digest; sends only chunks the server lacks.

    ``known``: the directory's working-copy records; a file whose size and mtime still match its
    record is not read to be hashed (its chunks are read only if the server lacks them, and the
    server checks each against its digest).

    Files are scanned a window at a time (``limits.scan_window_files`` files or ``scan_window_bytes``);
    the server is asked which chunks of the window it lacks, and those are sent on other threads
    while the next window is scanned. A small file's bytes, read once to hash it, are kept until
    its chunk is sent, so it is not read again.
    """
    root = Path(directory)
    if not root.is_dir():
        raise KamldClientError(f"{os.fspath(directory)!r} is not a directory", code="not_a_directory")
    scanned_counter = _Counter("scan", 0, progress)
    upload_counter = _Counter("upload", 0, progress)
    upload = _OpeningUpload(client, base_path, concurrency, upload_counter, limits)
    mtimes: dict[str, int] = {}

    def walked() -> Iterator[WalkedFile]:
        for item, stat in walk_with_stats(root):
            scanned_counter.total += item[3]
            mtimes[item[0]] = stat.st_mtime_ns
            yield item

    files: list[_LocalFile] = []
    where: dict[str, tuple[str, str, ChunkRef]] = {}

    def recalled(path: str, size: int) -> FileChunks | None:
        """The chunks ``known`` records for a file whose size and mtime still match: not read again."""
        tracked = known.get(path) if known else None
        if tracked is None or tracked.size != size or tracked.mtime_ns != mtimes[path]:
            return None
        return FileChunks(tracked.size, tracked.digest, tracked.chunk_refs())

    def scan(items: list[WalkedFile]) -> Scanned:
        scanned = []
        for path, source, mode, size in items:
            recorded = recalled(path, size)
            chunks, data = (recorded, None) if recorded else scan_file(source, size=size)
            scanned.append((_LocalFile(path, source, mode, chunks, mtimes[path]), data))
        scanned_counter.add(sum(item.chunks.size for item, _ in scanned))
        return scanned

    checked = _Checked(progress)

    def send_missing(fresh: dict[str, ChunkToSend], window_bytes: int) -> None:
        """Queue what the server lacks of ``fresh``, the new chunks of ``window_bytes`` scanned bytes."""
        upload_id, channel, sender = upload.opened()
        missing = _missing(channel, upload_id, list(fresh), limits.missing_batch)
        queued = sum(fresh[digest][1].size for digest in missing)
        upload_counter.total += queued
        checked.add(window_bytes, window_bytes - queued)
        for group in _group_by_bytes(
            ((digest, *fresh[digest]) for digest in missing), limits.upload_batch_bytes
        ):
            sender.submit(group)

    def note_new(
        fresh: dict[str, ChunkToSend], item_path: str, source: str, ref: ChunkRef, data: bytes | None
    ) -> None:
        if ref.digest not in where:
            where[ref.digest] = (item_path, source, ref)
            fresh[ref.digest] = (source, ref, data)

    try:
        with ThreadPoolExecutor(max_workers=limits.scan_threads) as scanner:

            def start(window: list[WalkedFile]) -> list[Future[Scanned]] | None:
                """Queue the scan of a window of small files (a large file is cut when finished)."""
                if len(window) == 1 and window[0][3] > limits.stream_above_bytes:
                    return None
                # One thread-pool task per small file would cost about as much as reading it.
                groups = _file_groups(window, limits.scan_group_files, limits.scan_group_bytes)
                return [scanner.submit(scan, group) for group in groups]

            def finish(window: list[WalkedFile], tasks: list[Future[Scanned]] | None) -> None:
                """Ask which of the window's chunks are missing and queue those for sending."""
                fresh: dict[str, ChunkToSend] = {}
                if tasks is None:
                    # A large file's chunks are sent while the rest of it is still being cut.
                    path, source, mode, size = window[0]
                    recorded = recalled(path, size)
                    scan_progressively = FileScan(source)
                    cut = recorded.chunks if recorded else scan_progressively
                    for refs in _ref_groups(cut, limits.stream_group_bytes):
                        for ref in refs:
                            note_new(fresh, path, source, ref, None)
                        group_bytes = sum(ref.size for ref in refs)
                        scanned_counter.add(group_bytes)
                        send_missing(fresh, group_bytes)
                        fresh = {}
                    chunks = recorded or scan_progressively.result()
                    files.append(_LocalFile(path, source, mode, chunks, mtimes[path]))
                    return
                window_bytes = 0
                for task in tasks:
                    for item, data in task.result():
                        files.append(item)
                        window_bytes += item.chunks.size
                        for ref in item.chunks.chunks:
                            note_new(fresh, item.path, item.source, ref, data)
                send_missing(fresh, window_bytes)

            # Each window is scanned while the server is asked about the one before it, and while
            # the directory is read on (the session is opened meanwhile, on another thread).
            started: tuple[list[WalkedFile], list[Future[Scanned]] | None] | None = None
            for window in _file_groups(
                walked(),
                limits.scan_window_files,
                limits.scan_window_bytes,
                alone_above=limits.stream_above_bytes,
            ):
                upcoming = (window, start(window))
                if started is not None:
                    finish(*started)
                started = upcoming
            if started is not None:
                finish(*started)
        upload_id, channel, sender = upload.opened()
        bytes_sent = sender.finish()
        files.sort(key=lambda item: item.path)
        total_bytes = sum(item.chunks.size for item in files)
        return _commit(
            client, base_path, upload_id, channel, files, where, bytes_sent, total_bytes, progress, limits
        )
    finally:
        upload.close()


class _OpeningUpload:
    """An upload session opened on another thread while the directory is read and scanned.

    :meth:`opened` waits for it the first time the push needs it; :meth:`close` stops its
    sender and closes its channel, if it ever opened.
    """

    def __init__(
        self,
        client: httpx.Client,
        base_path: str,
        concurrency: int,
        counter: _Counter,
        limits: TransferLimits,
    ) -> None:
        self.concurrency, self.counter, self.limits = concurrency, counter, limits
        opener = ThreadPoolExecutor(max_workers=1)
        self._opening = opener.submit(self._open, client, base_path)
        opener.shutdown(wait=False)
        self._sender: _Sender | None = None

    def _open(self, client: httpx.Client, base_path: str) -> tuple[str, ChunkChannel]:
        upload_id = _answer(client.post(f"{base_path}/uploads"))["id"]
        grant = f"/uploads/{upload_id}/grant"
        return upload_id, open_channel(client, base_path, grant, connections=self.concurrency)

    def opened(self) -> tuple[str, ChunkChannel, _Sender]:
        upload_id, channel = self._opening.result()
        if self._sender is None:
            self._sender = _Sender(channel, upload_id, self.concurrency, self.counter, self.limits)
        return upload_id, channel, self._sender

    def close(self) -> None:
        if self._sender is not None:
            self._sender.close()
        try:
            _, channel = self._opening.result()
        except Exception:
            return
        channel.close()


def _missing(channel: ChunkChannel, upload_id: str, digests: list[str], batch_size: int) -> list[str]:
    """Of ``digests``, those the store lacks, asked ``batch_size`` at a time."""
    missing: list[str] = []
    for batch in _batches(digests, batch_size):
        missing.extend(channel.missing(upload_id, batch))
    return missing


def _commit(
    client: httpx.Client,
    base_path: str,
    upload_id: str,
    channel: ChunkChannel,
    files: list[_LocalFile],
    where: dict[str, tuple[str, str, ChunkRef]],
    bytes_sent: int,
    total_bytes: int,
    progress: ProgressCallback | None,
    limits: TransferLimits,
) -> CommitResult:
    """Commit the sorted file list; chunks collected since they were found present are sent again once."""

    def ndjson() -> Iterator[bytes]:
        # Lines are sent in blocks: one per line would be a write here and a body event there each.
        block: list[str] = []
        size = 0
        for item in files:
            line = item.entry().to_canonical() + "\n"
            block.append(line)
            size += len(line)
            if size >= limits.commit_block_bytes:
                yield "".join(block).encode("utf-8")
                block, size = [], 0
        if block:
            yield "".join(block).encode("utf-8")

    headers = {"Content-Type": "application/x-ndjson"}
    response = client.post(f"{base_path}/uploads/{upload_id}/commit", content=ndjson(), headers=headers)
    if response.status_code == 422 and _problem_code(response) == "missing_chunks":
        # Chunks that were present when asked may have been collected since; send them and retry once.
        lost = [where[digest] for digest in json_of(response).get("missing", []) if digest in where]
        bytes_sent += _send_chunks(channel, upload_id, lost, progress, limits)
        response = client.post(f"{base_path}/uploads/{upload_id}/commit", content=ndjson(), headers=headers)
    body = _answer(response)
    if progress is not None:
        progress(Progress("commit", total_bytes, total_bytes))
    return CommitResult(
        digest=body["digest"],
        file_count=body["file_count"],
        total_bytes=body["total_bytes"],
        bytes_sent=bytes_sent,
        bytes_deduplicated=total_bytes - bytes_sent,
        files=files,
    )


def _send_chunks(
    channel: ChunkChannel,
    upload_id: str,
    refs: list[tuple[str, str, ChunkRef]],
    progress: ProgressCallback | None,
    limits: TransferLimits,
    concurrency: int = 8,
) -> int:
    """Send chunks read back from their files (``(path, source, ref)``); bytes sent."""
    counter = _Counter("upload", sum(ref.size for _, _, ref in refs), progress)
    sender = _Sender(channel, upload_id, concurrency, counter, limits)
    try:
        unread = ((path, source, ref, None) for path, source, ref in refs)
        for group in _group_by_bytes(unread, limits.upload_batch_bytes):
            sender.submit(group)
        return sender.finish()
    finally:
        sender.close()
