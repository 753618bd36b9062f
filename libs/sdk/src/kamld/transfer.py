"""Moving directories to and from storage: chunk locally, send only what is missing, verify on pull.

``push_directory`` walks a directory, chunks and hashes its files in threads, asks the server
which chunks it lacks (at most 10,000 digests per question), sends those in batched requests
in parallel and commits the sorted file list as NDJSON. A push that is interrupted can simply
be run again: chunks already stored are not sent twice.

``pull_manifest`` lists a manifest page by page, skips files the target already holds with the
right digest, fetches the chunks of many small files in one request (a large file streams in
groups of chunks), verifies every chunk and every file, and writes each file under a temporary
name that is renamed into place only when complete.

``base_path`` is ``""`` against storage-gateway itself and ``"/api/v1"`` through the gateway.
"""

from __future__ import annotations

import collections
import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kamld.bulk import (
    ChunkAnswer,
    ChunkChannel,
    FileSpan,
    OutgoingChunk,
    open_channel,
)
from kamld.errors import (
    ConnectionFailed,
    IntegrityError,
    KamldClientError,
    PayloadTooLarge,
    error_from_response,
    json_of,
)
from kamld_content.chunking import (
    ChunkRef,
    ContentChanged,
    FileChunks,
    FileScan,
    chunk_file,
    read_span,
    scan_file,
)
from kamld_content.direct import FileWriter, unique_name
from kamld_content.framing import frame_length
from kamld_content.hashing import Hasher, digest_bytes, digest_file
from kamld_content.manifest import FileEntry, mode_from_stat
from kamld_content.paths import InvalidPath, normalize_path, resolve_inside

log = logging.getLogger("kamld")

MISSING_BATCH = 10_000
# Each batch costs storage-gateway a request, a database transaction and two syncfs calls, so
# larger batches push faster (1 GiB: 3.9 s with 8 MiB batches, 3.3-3.5 s with 16 or 32 MiB);
# storage-gateway holds each batch it receives whole, so 16 MiB keeps it under 300 MB.
UPLOAD_BATCH_BYTES = 16 << 20
# Chunk batches queued or being sent at once. A large file's chunks are read back as they are
# sent, but a small file's bytes are held from its scan until sent: at most 128 MiB of those.
IN_FLIGHT_BATCHES = 12
IN_FLIGHT_HELD_BYTES = 128 << 20
# Files scanned between two questions to the server (and held, if small, until sent).
SCAN_WINDOW_FILES = 2000
SCAN_WINDOW_BYTES = 64 << 20
SCAN_GROUP_FILES = 32
# Scanning small files is mostly Python work under the GIL, so more threads only contend for it
# (20,000 files: 3.1 s with 8 threads, 2.9 s with 2); two keep a read going while one hashes.
SCAN_THREADS = 2
# A file larger than this is cut and sent at once: each group of its chunks is asked about and
# queued for sending while the next is cut, instead of after the whole file is hashed.
STREAM_ABOVE_BYTES = 32 << 20
STREAM_GROUP_BYTES = 32 << 20
SCAN_GROUP_BYTES = 4 << 20
DOWNLOAD_BATCH_BYTES = 16 << 20
DOWNLOAD_BATCH_DIGESTS = 1000
# A small file written in more than this (wall time, on the pull's writing thread) means that
# creating files waits (a networked filesystem) or is slow in the kernel, not in Python: small
# files are then written by the download threads, several at once. Local disks measured
# 16-60 us a file; an ext4 without a journal, minutes after many files were deleted, 340-800 us.
SLOW_FILE_CREATE_S = 250e-6
# A large file's groups asked for while an earlier one is read. With storage-gateway reading its
# chunk files from disk (local_direct_io), two in flight keep its disk busy: a 502 MB file pulled
# in 1.5-1.9 s with two, 2.0-2.2 s with one (interleaved runs).
LARGE_FILE_AHEAD = 2
# Answers to large files' groups open at once in a whole pull: 4 files get their full depth, and
# 8 large files at once (the pull's concurrency) still get one each and a few ahead.
LARGE_FILE_ANSWERS_OPEN = 12
LIST_PAGE = 1000
COMMIT_BLOCK_BYTES = 256 << 10
TEMP_PREFIX = ".kamld-tmp-"


@dataclass(frozen=True)
class Progress:
    """Where a transfer stands: ``phase`` is scan, upload, deduplicated, commit or download.

    Counts are bytes. For ``deduplicated``, ``done`` is how many of the ``total`` bytes checked
    against the server so far it already had (or the push holds twice), so need not be sent.
    """

    phase: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class CommitResult:
    digest: str
    file_count: int
    total_bytes: int
    bytes_sent: int
    bytes_deduplicated: int


@dataclass(frozen=True)
class PullResult:
    file_count: int
    files_written: int
    files_skipped: int
    bytes_downloaded: int


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise error_from_response(response)
    return response


def _answer(response: httpx.Response) -> Any:
    """The parsed JSON of a successful answer; the typed error of a failed one."""
    return json_of(_check(response))


class _Counter:
    """A thread-safe byte counter that reports progress as it grows."""

    def __init__(self, phase: str, total: int, progress: ProgressCallback | None) -> None:
        self.phase, self.total, self.progress = phase, total, progress
        self.done = 0
        self._lock = threading.Lock()

    def add(self, amount: int) -> None:
        with self._lock:
            self.done += amount
            done = self.done
        if self.progress is not None:
            self.progress(Progress(self.phase, done, self.total))


# -- push ----------------------------------------------------------------------------------------


class _Checked:
    """Bytes checked against the server so far, and how many of them need not be sent.

    Reported once a window's answer is in, so the deduplicated count never runs ahead of what the
    server has actually been asked (a count derived from bytes scanned minus bytes queued would
    call every scanned byte not yet asked about deduplicated).
    """

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.bytes = 0
        self.deduplicated = 0

    def add(self, checked: int, deduplicated: int) -> None:
        self.bytes += checked
        self.deduplicated += deduplicated
        if self.progress is not None:
            self.progress(Progress("deduplicated", self.deduplicated, self.bytes))


@dataclass(frozen=True)
class _LocalFile:
    path: str
    source: str
    mode: int
    chunks: FileChunks

    def entry(self) -> FileEntry:
        # The path was normalized by the walk and the digests come from the scan itself.
        return FileEntry.trusted(
            self.path, self.chunks.size, self.mode, self.chunks.file_digest, list(self.chunks.chunks)
        )


def _walk(directory: Path) -> Iterator[tuple[str, str, int, int]]:
    """``(manifest path, file to read, mode, size)`` of every regular file, in no particular order,
    as the directories are read; symlinks resolved inside.

    Temporary files a killed pull left behind (``.kamld-tmp-*``) are never part of a version.
    """

    def visit(folder: str, prefix: str) -> Iterator[tuple[str, str, int, int]]:
        with os.scandir(folder) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.name.startswith(TEMP_PREFIX):
                continue
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from visit(entry.path, relative + "/")
                continue
            if entry.is_symlink():
                if entry.is_dir():
                    continue
                resolved = resolve_inside(directory, Path(entry.path))
                if not resolved.is_file():
                    continue
                source, st = os.fspath(resolved), resolved.stat()
            elif entry.is_file(follow_symlinks=False):
                source, st = entry.path, entry.stat(follow_symlinks=False)
            else:
                continue
            yield normalize_path(relative), source, mode_from_stat(st.st_mode), st.st_size

    return visit(os.fspath(directory), "")


def scan_directory(
    directory: str | os.PathLike[str], *, concurrency: int = 8, progress: ProgressCallback | None = None
) -> list[_LocalFile]:
    """Chunk and hash every file of ``directory`` in threads; sorted by manifest path."""
    root = Path(directory)
    if not root.is_dir():
        raise KamldClientError(f"{os.fspath(directory)!r} is not a directory", code="not_a_directory")
    listed = list(_walk(root))
    counter = _Counter("scan", sum(size for *_, size in listed), progress)

    def chunk(item: tuple[str, str, int, int]) -> _LocalFile:
        path, source, mode, _ = item
        chunks = chunk_file(source)
        counter.add(chunks.size)
        return _LocalFile(path, source, mode, chunks)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        scanned = list(pool.map(chunk, listed))
    return sorted(scanned, key=lambda item: item.path)


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


ChunkToSend = tuple[str, ChunkRef, bytes | None]
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


def _file_groups(
    listed: list[tuple[str, str, int, int]], max_files: int, max_bytes: int, alone_above: int | None = None
) -> Iterator[list[tuple[str, str, int, int]]]:
    """Consecutive groups of at most ``max_files`` files and ``max_bytes``.

    A file larger than ``max_bytes``, or than ``alone_above`` when given, is a group of its own.
    """
    group: list[tuple[str, str, int, int]] = []
    size = 0
    for item in listed:
        alone = alone_above is not None and item[3] > alone_above
        if group and (alone or len(group) >= max_files or size + item[3] > max_bytes):
            yield group
            group, size = [], 0
        group.append(item)
        size += item[3]
        if alone:
            yield group
            group, size = [], 0
    if group:
        yield group


def _ref_groups(refs: Iterable[ChunkRef], max_bytes: int) -> Iterator[list[ChunkRef]]:
    """Consecutive chunks of about ``max_bytes``, as they come."""
    group: list[ChunkRef] = []
    size = 0
    for ref in refs:
        group.append(ref)
        size += ref.size
        if size >= max_bytes:
            yield group
            group, size = [], 0
    if group:
        yield group


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


def _mismatched_source(group: list[ChunkToSend], problem: dict) -> str | None:
    """The file whose chunk storage-gateway found not to match its digest (``errors[0].loc``)."""
    try:
        index = problem["errors"][0]["loc"][-1]
        return group[index][0]
    except (KeyError, IndexError, TypeError):
        return None


class _Sender:
    """Sends chunk batches on a thread pool while the caller scans on; bounds the bytes in flight."""

    def __init__(self, channel: ChunkChannel, upload_id: str, concurrency: int, counter: _Counter) -> None:
        self.channel, self.upload_id, self.counter = channel, upload_id, counter
        self.pool = ThreadPoolExecutor(max_workers=concurrency)
        self.pending: set[Future[int]] = set()
        self.held: dict[Future[int], int] = {}
        self.sent = 0
        # Lowered to the server's limit the first time it refuses a batch as too large.
        self.batch_limit: int | None = None

    def submit(self, group: list[ChunkToSend]) -> None:
        held = sum(ref.size for _, ref, data in group if data is not None)
        while self.pending and (
            len(self.pending) >= IN_FLIGHT_BATCHES or sum(self.held.values()) + held > IN_FLIGHT_HELD_BYTES
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
            parts = list(_split_to_body_limit(group, limit)) if isinstance(limit, int) and limit > 0 else []
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
) -> CommitResult:
    """Upload ``directory`` as one manifest and return its digest; sends only chunks the server lacks.

    Files are scanned a window at a time (``SCAN_WINDOW_FILES`` files or ``SCAN_WINDOW_BYTES``);
    the server is asked which chunks of the window it lacks, and those are sent on other threads
    while the next window is scanned. A small file's bytes, read once to hash it, are kept until
    its chunk is sent, so it is not read again.
    """
    root = Path(directory)
    if not root.is_dir():
        raise KamldClientError(f"{os.fspath(directory)!r} is not a directory", code="not_a_directory")
    scanned_counter = _Counter("scan", 0, progress)
    upload_counter = _Counter("upload", 0, progress)
    upload = _OpeningUpload(client, base_path, concurrency, upload_counter)

    def walked() -> Iterator[tuple[str, str, int, int]]:
        for item in _walk(root):
            scanned_counter.total += item[3]
            yield item

    files: list[_LocalFile] = []
    where: dict[str, tuple[str, str, ChunkRef]] = {}

    def scan(items: list[tuple[str, str, int, int]]) -> list[tuple[_LocalFile, bytes | None]]:
        scanned = []
        for path, source, mode, size in items:
            chunks, data = scan_file(source, size=size)
            scanned.append((_LocalFile(path, source, mode, chunks), data))
        scanned_counter.add(sum(item.chunks.size for item, _ in scanned))
        return scanned

    checked = _Checked(progress)

    def send_missing(fresh: dict[str, ChunkToSend], window_bytes: int) -> None:
        """Queue what the server lacks of ``fresh``, the new chunks of ``window_bytes`` scanned bytes."""
        upload_id, channel, sender = upload.opened()
        missing = _missing(channel, upload_id, list(fresh))
        queued = sum(fresh[digest][1].size for digest in missing)
        upload_counter.total += queued
        checked.add(window_bytes, window_bytes - queued)
        for group in _group_by_bytes(((digest, *fresh[digest]) for digest in missing), UPLOAD_BATCH_BYTES):
            sender.submit(group)

    def note_new(fresh: dict, item_path: str, source: str, ref: ChunkRef, data: bytes | None) -> None:
        if ref.digest not in where:
            where[ref.digest] = (item_path, source, ref)
            fresh[ref.digest] = (source, ref, data)

    try:
        with ThreadPoolExecutor(max_workers=SCAN_THREADS) as scanner:

            def start(window: list[tuple[str, str, int, int]]) -> list[Future] | None:
                """Queue the scan of a window of small files (a large file is cut when finished)."""
                if len(window) == 1 and window[0][3] > STREAM_ABOVE_BYTES:
                    return None
                # One thread-pool task per small file would cost about as much as reading it.
                groups = _file_groups(window, SCAN_GROUP_FILES, SCAN_GROUP_BYTES)
                return [scanner.submit(scan, group) for group in groups]

            def finish(window: list[tuple[str, str, int, int]], tasks: list[Future] | None) -> None:
                """Ask which of the window's chunks are missing and queue those for sending."""
                fresh: dict[str, ChunkToSend] = {}
                if tasks is None:
                    # A large file's chunks are sent while the rest of it is still being cut.
                    path, source, mode, _ = window[0]
                    scan_progressively = FileScan(source)
                    for refs in _ref_groups(scan_progressively, STREAM_GROUP_BYTES):
                        for ref in refs:
                            note_new(fresh, path, source, ref, None)
                        group_bytes = sum(ref.size for ref in refs)
                        scanned_counter.add(group_bytes)
                        send_missing(fresh, group_bytes)
                        fresh = {}
                    files.append(_LocalFile(path, source, mode, scan_progressively.result()))
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
            started: tuple[list[tuple[str, str, int, int]], list[Future] | None] | None = None
            for window in _file_groups(
                walked(), SCAN_WINDOW_FILES, SCAN_WINDOW_BYTES, alone_above=STREAM_ABOVE_BYTES
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
        return _commit(client, base_path, upload_id, channel, files, where, bytes_sent, total_bytes, progress)
    finally:
        upload.close()


class _OpeningUpload:
    """An upload session opened on another thread while the directory is read and scanned.

    :meth:`opened` waits for it the first time the push needs it; :meth:`close` stops its
    sender and closes its channel, if it ever opened.
    """

    def __init__(self, client: httpx.Client, base_path: str, concurrency: int, counter: _Counter) -> None:
        self.concurrency, self.counter = concurrency, counter
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
            self._sender = _Sender(channel, upload_id, self.concurrency, self.counter)
        return upload_id, channel, self._sender

    def close(self) -> None:
        if self._sender is not None:
            self._sender.close()
        try:
            _, channel = self._opening.result()
        except Exception:
            return
        channel.close()


def _missing(channel: ChunkChannel, upload_id: str, digests: list[str]) -> list[str]:
    """Of ``digests``, those the store lacks, asked ``MISSING_BATCH`` at a time."""
    missing: list[str] = []
    for batch in _batches(digests, MISSING_BATCH):
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
            if size >= COMMIT_BLOCK_BYTES:
                yield "".join(block).encode("utf-8")
                block, size = [], 0
        if block:
            yield "".join(block).encode("utf-8")

    headers = {"Content-Type": "application/x-ndjson"}
    response = client.post(f"{base_path}/uploads/{upload_id}/commit", content=ndjson(), headers=headers)
    if response.status_code == 422 and _problem_code(response) == "missing_chunks":
        # Chunks that were present when asked may have been collected since; send them and retry once.
        lost = [where[digest] for digest in json_of(response).get("missing", []) if digest in where]
        bytes_sent += _send_chunks(channel, upload_id, lost, progress)
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
    )


def _problem_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _send_chunks(
    channel: ChunkChannel,
    upload_id: str,
    refs: list[tuple[str, str, ChunkRef]],
    progress: ProgressCallback | None,
    concurrency: int = 8,
) -> int:
    """Send chunks read back from their files (``(path, source, ref)``); bytes sent."""
    counter = _Counter("upload", sum(ref.size for _, _, ref in refs), progress)
    sender = _Sender(channel, upload_id, concurrency, counter)
    try:
        unread = ((path, source, ref, None) for path, source, ref in refs)
        for group in _group_by_bytes(unread, UPLOAD_BATCH_BYTES):
            sender.submit(group)
        return sender.finish()
    finally:
        sender.close()


# -- pull ----------------------------------------------------------------------------------------


def iter_manifest(
    client: httpx.Client, base_path: str, digest: str, prefix: str = "", *, read_ahead: bool = False
) -> Iterator[FileEntry]:
    """Every file of manifest ``digest`` (optionally under ``prefix``), fetched one page at a time.

    With ``read_ahead``, the next page is requested on a thread of its own while the caller works
    through the current one: a pull writes the files of one page while the next is on its way.
    """
    pages = _manifest_pages(client, base_path, digest, prefix)
    for items in _one_ahead(pages) if read_ahead else pages:
        for item in items:
            offset = 0
            chunks = []
            for chunk_digest, size in item["chunks"]:
                chunks.append(ChunkRef(chunk_digest, offset, size))
                offset += size
            yield FileEntry(item["path"], item["size"], item["mode"], item["digest"], chunks)


def _manifest_pages(client: httpx.Client, base_path: str, digest: str, prefix: str) -> Iterator[list[dict]]:
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": LIST_PAGE, "prefix": prefix}
        if after is not None:
            params["after"] = after
        body = _answer(client.get(f"{base_path}/manifests/{digest}/files", params=params))
        yield body["items"]
        after = body.get("next")
        if not after:
            return


def _one_ahead(items: Iterator[Any]) -> Iterator[Any]:
    """``items``, each produced on a helper thread while the caller works on the one before."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamld-read-ahead") as helper:
        upcoming = helper.submit(next, items, _END)
        try:
            while (item := upcoming.result()) is not _END:
                upcoming = helper.submit(next, items, _END)
                yield item
        finally:
            upcoming.cancel()


_END = object()


def _matches(path: str, include: Sequence[str]) -> bool:
    return not include or any(
        fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
        for pattern in include
    )


def _target(root: Path, path: str) -> Path:
    try:
        if normalize_path(path) != path:
            raise InvalidPath(path, "is not in normal form")
    except InvalidPath as exc:
        raise IntegrityError(f"the manifest holds an unsafe path: {exc}", code="unsafe_path") from None
    return root.joinpath(*path.split("/"))


def _is_empty(directory: Path) -> bool:
    with os.scandir(directory) as entries:
        return next(entries, None) is None


def _already_present(target: Path, entry: FileEntry) -> bool:
    try:
        if not target.is_file() or target.is_symlink() or target.stat().st_size != entry.size:
            return False
    except OSError:
        return False
    return digest_file(target) == entry.digest


def pull_manifest(
    client: httpx.Client,
    base_path: str,
    digest: str,
    directory: str | os.PathLike[str],
    include: Sequence[str] = (),
    *,
    progress: ProgressCallback | None = None,
    concurrency: int = 8,
    direct_writes: bool = True,
    total_bytes: int | None = None,
) -> PullResult:
    """Make ``directory`` hold the files of manifest ``digest`` (those matching ``include``, if given).

    Small files travel together: one ``/chunks/read`` request fetches the chunks of many files
    (at most ``DOWNLOAD_BATCH_BYTES`` and ``DOWNLOAD_BATCH_DIGESTS``) on a download thread, and
    the calling thread writes those files: where creating a file costs only CPU, eight threads
    creating files at once spent more of their time handing the GIL to each other than writing
    (20,000 files: 3.25 s and 3.6 CPU-s, against 2.65 s and 2.2 CPU-s with one writer). Where
    each creation waits on the disk instead (:data:`SLOW_FILE_CREATE_S`, measured on the batches
    the calling thread writes), the download threads write their own batches from then on, so
    the waits overlap (:class:`_SmallFileWriting`). A file too large for a batch streams on its
    own, a group of chunks at a time, written around the page cache unless ``direct_writes`` is
    false (:mod:`kamld_content.direct`). ``total_bytes``, the manifest's size for progress,
    spares a request when the caller knows it (a version carries it).
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    # An empty directory holds no file to keep: none is looked for before it is written.
    into_empty = _is_empty(root)
    if total_bytes is None:
        total_bytes = _answer(client.get(f"{base_path}/manifests/{digest}"))["total_bytes"]
    counter = _Counter("download", total_bytes, progress)
    tally = _PullTally()
    writing = _SmallFileWriting()
    slots = _AnswerSlots(LARGE_FILE_ANSWERS_OPEN)

    def fetch(batch: list[FileEntry]) -> _FetchedBatch | None:
        """Runs on a download thread: a large file is written there, small files' bytes returned."""
        wanted: list[tuple[FileEntry, Path]] = []
        for entry in batch:
            target = _target(root, entry.path)
            if not into_empty and _already_present(target, entry):
                os.chmod(target, entry.mode)
                counter.add(entry.size)
                tally.skipped()
            else:
                wanted.append((entry, target))
        if len(batch) == 1 and wanted and _is_large(batch[0]):
            entry, target = wanted[0]
            tally.written(_write_large_file(channel, target, entry, counter, slots, direct=direct_writes))
            return None
        if not wanted:
            return None
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

    file_count = 0
    # Connections kept for reuse: one per download thread, and one per open answer of a large file.
    channel = open_channel(
        client, base_path, "/chunks/grant", connections=concurrency + LARGE_FILE_ANSWERS_OPEN
    )
    with channel, ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending: set[Future[_FetchedBatch | None]] = set()
        try:
            for batch in _download_batches(
                entry
                for entry in iter_manifest(client, base_path, digest, read_ahead=True)
                if _matches(entry.path, include)
            ):
                file_count += len(batch)
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
    return PullResult(file_count, tally.files_written, tally.files_skipped, tally.bytes_received)


class _SmallFileWriting:
    """Who writes a pull's small files: the calling thread, until one of its batches shows that
    the filesystem makes each creation wait; then every download thread writes its own batches.

    Where each creation cost 0.34-0.8 ms of kernel time, 20,000 files of 4 KiB were created in
    6.8-7.9 s by one thread and 1.0-4.3 s by eight, and a pull of them took 10.6-10.9 s instead
    of 16.5-16.9 s; in memory (tmpfs) the same pull took 1.2 s with one writing thread and 1.5 s
    with the download threads writing (the GIL handed back and forth), so that is not the default.
    """

    def __init__(self) -> None:
        self.spread = False

    def timed(self, batch: _FetchedBatch, counter: _Counter) -> int:
        """Write ``batch`` on this thread; bytes received. A slow batch spreads the later ones."""
        started = time.perf_counter()
        received = _write_batch(batch, counter)
        if not self.spread and time.perf_counter() - started > SLOW_FILE_CREATE_S * len(batch.files):
            log.info("file creation waits on the filesystem: writing small files on every download thread")
            self.spread = True
        return received


class _PullTally:
    """Files written and skipped, and bytes received, added up across download threads."""

    def __init__(self) -> None:
        self.files_written = self.files_skipped = self.bytes_received = 0
        self._lock = threading.Lock()

    def skipped(self) -> None:
        with self._lock:
            self.files_skipped += 1

    def written(self, received: int, *, files: int = 1) -> None:
        with self._lock:
            self.files_written += files
            self.bytes_received += received


def _is_large(entry: FileEntry) -> bool:
    return entry.size > DOWNLOAD_BATCH_BYTES or len(entry.chunks) > DOWNLOAD_BATCH_DIGESTS


def _download_batches(entries: Iterable[FileEntry]) -> Iterator[list[FileEntry]]:
    """Files grouped so that each group's chunks fit one batched read; a large file is a group alone."""
    batch: list[FileEntry] = []
    size = digests = 0
    for entry in entries:
        if _is_large(entry):
            yield [entry]
            continue
        if batch and (
            size + entry.size > DOWNLOAD_BATCH_BYTES or digests + len(entry.chunks) > DOWNLOAD_BATCH_DIGESTS
        ):
            yield batch
            batch, size, digests = [], 0, 0
        batch.append(entry)
        size += entry.size
        digests += len(entry.chunks)
    if batch:
        yield batch


def _distinct_digests(refs: Iterable[ChunkRef]) -> list[str]:
    """The digests of ``refs`` in order, each once: a batched read asks for a chunk once."""
    return list(dict.fromkeys(ref.digest for ref in refs))


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


def _temp_path(directory: Path) -> Path:
    return directory / unique_name(TEMP_PREFIX)


def _write_whole(target: Path, entry: FileEntry, parts: list[bytes]) -> None:
    """Write a file whose verified chunks are all in memory: checked first, then one temp file and a rename.

    The small-file path of a pull, so it spends as few system calls as it can: a one-chunk file's
    digest is its chunk's (already verified on arrival), a directory is made only when the temp
    file cannot be created without it, and the temp file is written through no buffer of its own.
    """
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    one_verified_chunk = len(entry.chunks) == 1 and entry.chunks[0].digest == entry.digest
    if len(data) != entry.size or (not one_verified_chunk and digest_bytes(data) != entry.digest):
        raise IntegrityError(
            f"{entry.path}: downloaded content does not match {entry.digest}", code="corrupt_file"
        )
    temp = _temp_path(target.parent)
    try:
        stream = FileWriter(temp, 0o600, direct=False)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        stream = FileWriter(temp, 0o600, direct=False)
    try:
        try:
            stream.write(data)
            os.fchmod(stream.fileno(), entry.mode)
        finally:
            stream.close()
        os.replace(temp, target)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, IsADirectoryError):
            raise IntegrityError(
                f"{target} is a directory; cannot write the file {entry.path!r}", code="path_clash"
            ) from None
        raise


class _AnswerSlots:
    """Bounds the answers to large files' chunk groups open at once, across a whole pull.

    Each open answer holds a connection and, in storage-gateway, a read-ahead of its chunks.
    """

    def __init__(self, answers: int) -> None:
        self._slots = threading.BoundedSemaphore(answers)

    def take(self, *, wait: bool) -> bool:
        return self._slots.acquire(blocking=wait)

    def give(self) -> None:
        self._slots.release()


def _write_large_file(
    channel: ChunkChannel,
    target: Path,
    entry: FileEntry,
    counter: _Counter,
    slots: _AnswerSlots,
    *,
    direct: bool,
) -> int:
    """Download a file too large for one batch, a group of chunks per request; bytes received.

    Each chunk goes from the socket straight into the file writer's buffer, hashed on the way
    (:meth:`ChunkAnswer.readinto`): no group is held in memory. Up to ``LARGE_FILE_AHEAD``
    further groups are asked for while one is read, so storage-gateway reads them from its disk
    (into the socket's buffers) meanwhile. Every open answer holds one of the pull's ``slots``:
    the file's next group waits for one, groups further ahead are asked for only when one is
    free, so many large files at once keep a bounded number of answers open.
    """
    received = 0
    groups = list(_chunk_groups(entry.chunks))
    upcoming: collections.deque[Future[ChunkAnswer]] = collections.deque()
    asked = 0
    with (
        _new_file(target, entry, direct=direct) as out,
        ThreadPoolExecutor(max_workers=LARGE_FILE_AHEAD) as ahead,
    ):

        def ask(*, wait: bool) -> bool:
            nonlocal asked
            if asked == len(groups) or not slots.take(wait=wait):
                return False
            upcoming.append(ahead.submit(channel.open_read, _distinct_digests(groups[asked])))
            asked += 1
            return True

        try:
            for group in groups:
                if not upcoming:
                    ask(wait=True)
                while len(upcoming) <= LARGE_FILE_AHEAD and ask(wait=False):
                    pass
                try:
                    answer = upcoming.popleft().result()
                    received += _receive_group(channel, answer, group, out, counter)
                finally:
                    slots.give()
        finally:
            for future in upcoming:
                # An answer asked for and not read: closed (its connection dropped) once it arrives.
                future.cancel()
                future.add_done_callback(_close_answer)
                slots.give()
    return received


def _close_answer(future: Future[ChunkAnswer]) -> None:
    if not future.cancelled() and future.exception() is None:
        future.result().close()


def _receive_group(
    channel: ChunkChannel, answer: ChunkAnswer, group: list[ChunkRef], out: _VerifiedWriter, counter: _Counter
) -> int:
    """Write a group's chunks in file order from ``answer``, which sends each distinct one once.

    A chunk that recurs within the group is kept from its first arrival and written again from
    there. When the connection drops partway, the file goes back to the start of the chunk being
    received and the rest of the group is asked for again, up to the retry policy's attempts in all.
    Returns the bytes received; closes the answers it reads.
    """
    occurrences = collections.Counter(ref.digest for ref in group)
    kept: dict[str, bytes] = {}
    received = done = 0
    broke_at: set[int] = set()
    attempts = channel.retry.attempts
    for attempt in range(attempts):
        mark = out.mark()
        try:
            with answer:
                for ref in group[done:]:
                    again = kept.get(ref.digest)
                    if again is not None:
                        out.write(again)
                    else:
                        mark = out.mark()
                        received += _receive_chunk(answer, ref, out, kept, keep=occurrences[ref.digest] > 1)
                    done += 1
                    counter.add(ref.size)
                if answer.next_frame() is not None:
                    raise IntegrityError(
                        "the server sent more chunks than were asked for", code="unexpected_chunk"
                    )
            return received
        except ConnectionFailed as exc:
            if done == len(group):
                return received  # lost after the last chunk: nothing is missing
            broke_at.add(done)
            if attempt == attempts - 1:
                if len(broke_at) == 1:
                    # storage-gateway ends an answer before a chunk that fails its verification.
                    raise ConnectionFailed(
                        f"the answer broke off at chunk {group[done].digest} {attempts} times in a "
                        "row: the store may hold it damaged (storage-gateway logs that and counts it in "
                        "kamld_storage_corrupt_chunks_total)",
                        code=exc.code,
                    ) from exc
                raise
            out.rewind(mark)
            channel.retry.pause(attempt)
            answer = channel.open_read(
                _distinct_digests(ref for ref in group[done:] if ref.digest not in kept)
            )
    raise AssertionError("unreachable")


def _receive_chunk(
    answer: ChunkAnswer, ref: ChunkRef, out: _VerifiedWriter, kept: dict[str, bytes], *, keep: bool
) -> int:
    """Write the answer's next chunk, which must be ``ref``'s; with ``keep``, also put it in ``kept``."""
    frame = answer.next_frame()
    if frame != (ref.digest, ref.size):
        sent = "nothing more" if frame is None else f"{frame[0]} ({frame[1]} bytes)"
        raise IntegrityError(
            f"expected chunk {ref.digest} ({ref.size} bytes), the server sent {sent}",
            code="unexpected_chunk",
        )
    copy = out.receive(answer.readinto, ref.size, keep=keep)
    if copy is not None:
        kept[ref.digest] = copy
    return ref.size


class _VerifiedWriter:
    """Writes a file's bytes and digests them on the way, to compare with the manifest at the end.

    The digest runs on this thread alone: the fetches ahead and the background disk writes keep
    the other cores busy, and threaded BLAKE3 made the CSV's pull slower (data phase 0.78-0.96 s
    against 0.75-0.80 s, interleaved, four each).
    """

    def __init__(self, stream: FileWriter) -> None:
        self._stream = stream
        self.hasher = Hasher(threaded=False)

    def write(self, data: bytes) -> None:
        self.hasher.update(data)
        self._stream.write(data)

    def mark(self) -> tuple[int, Hasher]:
        """A point to come back to with :meth:`rewind`: the bytes given so far and their digest state."""
        return self._stream.position, self.hasher.copy()

    def rewind(self, mark: tuple[int, Hasher]) -> None:
        position, hasher = mark
        self._stream.rewind(position)
        self.hasher = hasher.copy()

    def receive(self, readinto: Callable[[memoryview], int], size: int, *, keep: bool) -> bytes | None:
        """Write ``size`` bytes straight from ``readinto``; with ``keep``, a copy of them too."""
        copy = bytearray() if keep else None

        def seen(span: memoryview) -> None:
            self.hasher.update(span)
            if copy is not None:
                copy.extend(span)

        self._stream.receive(readinto, size, seen)
        return None if copy is None else bytes(copy)


@contextmanager
def _new_file(target: Path, entry: FileEntry, *, direct: bool) -> Iterator[_VerifiedWriter]:
    """Write ``entry`` to a temporary name beside ``target``; verify it, then rename it into place.

    With ``direct``, the bytes go around the page cache where the file system allows it
    (:mod:`kamld_content.direct`).
    Files are not fsynced: the server holds the durable copy, and a pull run again after a crash
    finds any file whose size or digest is wrong and fetches it anew.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        raise IntegrityError(
            f"{target} is a directory; cannot write the file {entry.path!r}", code="path_clash"
        )
    temp = _temp_path(target.parent)
    stream = FileWriter(temp, 0o600, direct=direct, background=True)
    try:
        writer = _VerifiedWriter(stream)
        yield writer
        stream.close()
        if writer.hasher.size != entry.size or writer.hasher.digest() != entry.digest:
            raise IntegrityError(
                f"{entry.path}: downloaded content does not match {entry.digest}", code="corrupt_file"
            )
        os.chmod(temp, entry.mode)
        os.replace(temp, target)
    except BaseException:
        stream.abandon()
        temp.unlink(missing_ok=True)
        raise


def _chunk_groups(chunks: list[ChunkRef]) -> Iterator[list[ChunkRef]]:
    group: list[ChunkRef] = []
    size = 0
    for ref in chunks:
        if group and (size + ref.size > DOWNLOAD_BATCH_BYTES or len(group) >= DOWNLOAD_BATCH_DIGESTS):
            yield group
            group, size = [], 0
        group.append(ref)
        size += ref.size
    if group:
        yield group
