"""Writing a pulled file: verified before it is renamed into place, so a file is old or new, never mixed.

Small files are written whole from chunks already in memory; a large file streams a group of
chunks at a time; a file whose earlier version is on disk (a delta) takes the chunks it shares
with it from there and downloads only the rest.
"""

from __future__ import annotations

import collections
import errno
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from kamld.bulk import ChunkAnswer, ChunkChannel
from kamld.errors import ConnectionFailed, IntegrityError
from kamld.transfer.limits import TransferLimits
from kamld.transfer.progress import _Counter
from kamld_content.chunking import ChunkRef
from kamld_content.direct import FileWriter, unique_name
from kamld_content.hashing import Hasher, digest_bytes
from kamld_content.manifest import FileEntry

TEMP_PREFIX = ".kamld-tmp-"


def _distinct_digests(refs: Iterable[ChunkRef]) -> list[str]:
    """The digests of ``refs`` in order, each once: a batched read asks for a chunk once."""
    return list(dict.fromkeys(ref.digest for ref in refs))


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
    limits: TransferLimits,
    *,
    direct: bool,
) -> int:
    """Download a file too large for one batch, a group of chunks per request; bytes received.

    Each chunk goes from the socket straight into the file writer's buffer, hashed on the way
    (:meth:`ChunkAnswer.readinto`): no group is held in memory. Up to ``limits.large_file_ahead``
    further groups are asked for while one is read, so storage-gateway reads them from its disk
    (into the socket's buffers) meanwhile. Every open answer holds one of the pull's ``slots``:
    the file's next group waits for one, groups further ahead are asked for only when one is
    free, so many large files at once keep a bounded number of answers open.
    """
    received = 0
    groups = list(_chunk_groups(entry.chunks, limits))
    upcoming: collections.deque[Future[ChunkAnswer]] = collections.deque()
    asked = 0
    with (
        _new_file(target, entry, direct=direct) as out,
        ThreadPoolExecutor(max_workers=limits.large_file_ahead) as ahead,
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
                while len(upcoming) <= limits.large_file_ahead and ask(wait=False):
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
    the other cores busy, and threaded BLAKE3 only competed with them (the pull of a large CSV was
    slower with it).
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


def _chunk_groups(chunks: list[ChunkRef], limits: TransferLimits) -> Iterator[list[ChunkRef]]:
    """Consecutive chunks that fit one batched read (``download_batch_bytes`` and ``_digests``)."""
    group: list[ChunkRef] = []
    size = 0
    for ref in chunks:
        if group and (
            size + ref.size > limits.download_batch_bytes or len(group) >= limits.download_batch_digests
        ):
            yield group
            group, size = [], 0
        group.append(ref)
        size += ref.size
    if group:
        yield group


def write_patched_file(
    channel: ChunkChannel,
    target: Path,
    entry: FileEntry,
    old_chunks: list[ChunkRef],
    counter: _Counter,
    limits: TransferLimits,
) -> tuple[int, int] | None:
    """Write ``entry`` over the earlier version at ``target`` whose chunks are ``old_chunks``.

    The chunks both share are copied from the old file (in the kernel where it can); only the
    others are downloaded, in batched reads. The new file is assembled under a temporary name and
    digested as it is completed, in file order, on a thread of its own (the digest of one part
    overlaps the copy of the next); it is renamed over the old one only if its digest is the
    manifest's. Returns the bytes downloaded and reused, or None, leaving the old file as it was,
    when the result does not match (the old file changed since its chunks were recorded): the
    caller then downloads it whole.
    """
    local = {ref.digest: ref for ref in old_chunks}
    remote = [ref for ref in entry.chunks if ref.digest not in local]
    temp = _temp_path(target.parent)
    received = reused = 0
    old = os.open(target, os.O_RDONLY)
    new = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    digest = _TrailingDigest(new)
    try:
        for group in _chunk_groups(remote, limits):
            fetched = channel.fetch(_distinct_digests(group))
            for ref in group:
                _pwrite_all(new, fetched[ref.digest], ref.offset)
                counter.add(ref.size)
            received += sum(len(data) for data in fetched.values())
        for source, destination, size in _local_runs(entry.chunks, local):
            for done in range(0, size, _COPY_PIECE):
                piece = min(_COPY_PIECE, size - done)
                _copy_range(old, new, source + done, destination + done, piece)
                digest.advance(destination + done + piece)
                counter.add(piece)
            reused += size
        os.ftruncate(new, entry.size)
        os.fchmod(new, entry.mode)
        matches = digest.result(entry.size) == entry.digest
    except _OldFileShrank:
        matches = False
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        digest.close()
        os.close(old)
        os.close(new)
    if not matches:
        temp.unlink(missing_ok=True)
        return None
    os.replace(temp, target)
    return received, reused


_COPY_PIECE = 16 << 20
"""Bytes copied from the old file between two steps of the digest that follows the copy."""


class _TrailingDigest:
    """The digest of a file assembled in order, reading back each part once it is final."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._hasher = Hasher(threaded=False)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamld-digest")
        self._last: Future[None] | None = None

    def advance(self, final_up_to: int) -> None:
        """Bytes before ``final_up_to`` will not change: digest them (on the worker, in order)."""
        self._last = self._worker.submit(self._digest_to, final_up_to)

    def _digest_to(self, end: int) -> None:
        while self._hasher.size < end:
            data = os.pread(self._fd, min(8 << 20, end - self._hasher.size), self._hasher.size)
            if not data:
                raise _OldFileShrank
            self._hasher.update(data)

    def result(self, size: int) -> str:
        self.advance(size)
        assert self._last is not None
        self._last.result()
        return self._hasher.digest()

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


class _OldFileShrank(Exception):
    """The old file ends before a chunk recorded in it: it changed since its chunks were recorded."""


def _local_runs(chunks: list[ChunkRef], local: dict[str, ChunkRef]) -> Iterator[tuple[int, int, int]]:
    """``(old offset, new offset, size)`` of the spans to copy; neighbours in both files are one span."""
    run: list[int] | None = None
    for ref in chunks:
        old = local.get(ref.digest)
        if old is None:
            continue
        if run is not None and run[0] + run[2] == old.offset and run[1] + run[2] == ref.offset:
            run[2] += ref.size
            continue
        if run is not None:
            yield run[0], run[1], run[2]
        run = [old.offset, ref.offset, ref.size]
    if run is not None:
        yield run[0], run[1], run[2]


def _copy_range(source: int, destination: int, offset_in: int, offset_out: int, size: int) -> None:
    """Copy ``size`` bytes between two files: ``copy_file_range`` where the kernel offers it."""
    while size > 0:
        try:
            copied = os.copy_file_range(source, destination, size, offset_in, offset_out)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
            copied = 0
        if copied == 0:
            data = os.pread(source, min(size, 8 << 20), offset_in)
            if not data:
                raise _OldFileShrank
            _pwrite_all(destination, data, offset_out)
            copied = len(data)
        size -= copied
        offset_in += copied
        offset_out += copied


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written
