"""Writing and reading large files around the page cache (``O_DIRECT``).

Bytes written once and not read back soon gain nothing from a trip through the page cache: a
pull writes each byte of a large file once, and storage-gateway makes every chunk batch durable
before it answers. Copying them into cache pages first only costs CPU, memory the kernel must
find (on the development machine's VM, first touches of fresh pages dominate), and the rest of
the cache, which a large dataset evicts. Written directly, the bytes go from one reused, aligned
buffer to the device. Measured on the 2-core development machine (docs/storage.md): pulling 4 x
256 MiB into a new directory spent 2.7-3.0 CPU-seconds in the client's kernel through the cache
and 0.7 around it, and took 2.8-3.2 s instead of 2.1-2.2 s.

``O_DIRECT`` wants the buffer, the length and the file offset aligned to the device's block, so
bytes are gathered in an aligned buffer and moved a block-multiple at a time; the unaligned
tail of a file is written through the cache. A file system that refuses ``O_DIRECT`` (tmpfs on
older kernels, some FUSE and network file systems) is written and read the ordinary way.
"""

from __future__ import annotations

import errno
import itertools
import mmap
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

if sys.platform != "win32":  # Windows has no fcntl, nor O_DIRECT: every path below stays buffered
    import fcntl

# Covers the logical block sizes of every common device (512 and 4096 bytes).
ALIGNMENT = 4096
BUFFER_BYTES = 8 << 20
# Where a writer has no aligned buffer (written through the cache), bytes it receives pass
# through one of this size.
STAGING_BYTES = 1 << 20
# Readable too: a writer taken back to an earlier point reads the start of that disk block again.
_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL
_DIRECT = getattr(os, "O_DIRECT", 0)


class FileWriter:
    """Sequential writes to a new file: through an aligned buffer with ``O_DIRECT`` where allowed.

    With ``background``, the buffer is split in two: while one half goes to the disk on a thread
    of the writer's own, the caller fills the other, so a caller that also hashes or receives the
    bytes is not held up by the device: direct writes then overlap the hashing and copying
    instead of following them. At most one write is in flight at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: int = 0o600,
        *,
        direct: bool = True,
        buffer: mmap.mmap | None = None,
        background: bool = False,
    ) -> None:
        """Create ``path`` (it must not exist). ``buffer``, page-aligned memory such as an anonymous
        :class:`mmap.mmap` of a multiple of ``ALIGNMENT`` bytes, is used instead of a new one and
        left open: callers writing many files reuse one (:data:`shared_buffers`). A given buffer
        is never split for ``background`` writes, which are then synchronous."""
        self._fd, self.direct = _create(path, mode, direct and bool(_DIRECT))
        self._owned: list[mmap.mmap] = []
        self._views: list[memoryview] = []
        if self.direct:
            if buffer is not None:
                self._views.append(memoryview(buffer))
            elif background:
                self._owned = [mmap.mmap(-1, BUFFER_BYTES // 2), mmap.mmap(-1, BUFFER_BYTES // 2)]
            else:
                self._owned = [mmap.mmap(-1, BUFFER_BYTES)]
            self._views += [memoryview(owned) for owned in self._owned]
        self._view = self._views[0] if self._views else None
        self._filled = 0
        # File offset of the buffer's first byte (of the next byte, when there is no buffer).
        self._offset = 0
        # Taken back at least once: bytes past the final end may remain, and are cut at close.
        self._rewound = False
        self._staging: bytearray | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._in_flight: Future[None] | None = None
        if len(self._views) == 2:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamld-direct-write")
        self.direct_bytes = 0

    def fileno(self) -> int:
        return self._fd

    @property
    def position(self) -> int:
        """How many bytes were given so far (written, or waiting in the buffer)."""
        return self._offset + self._filled

    def write(self, data: bytes | memoryview) -> None:
        if self._view is None:
            _write_all(self._fd, memoryview(data))
            self._offset += len(data)
            return
        pending = memoryview(data)
        while pending:
            take = min(len(self._view) - self._filled, len(pending))
            self._view[self._filled : self._filled + take] = pending[:take]
            self._filled += take
            pending = pending[take:]
            if self._filled == len(self._view):
                self._flush_full_buffer()

    def receive(
        self, readinto: Callable[[memoryview], int], count: int, seen: Callable[[memoryview], None]
    ) -> None:
        """Write the next ``count`` bytes that ``readinto`` gives (a socket's, a file's), taken
        straight into the write buffer: no buffer of the caller's in between, and no copy.

        ``seen`` gets every span received before it is written, to hash it; it must not keep the
        view. Raises :class:`EOFError` when ``readinto`` runs dry first.
        """
        if self._view is None:
            if self._staging is None:
                self._staging = bytearray(STAGING_BYTES)
            with memoryview(self._staging) as staging:
                while count:
                    span = staging[: min(len(staging), count)]
                    _fill(readinto, span)
                    seen(span)
                    _write_all(self._fd, span)
                    self._offset += len(span)
                    count -= len(span)
            return
        while count:
            take = min(len(self._view) - self._filled, count)
            span = self._view[self._filled : self._filled + take]
            try:
                _fill(readinto, span)
                seen(span)
            finally:
                # A view left alive (in a traceback, say) would keep the buffer from closing.
                span.release()
            self._filled += take
            count -= take
            if self._filled == len(self._view):
                self._flush_full_buffer()

    def rewind(self, position: int) -> None:
        """Go back to byte ``position`` of what was given: whatever follows is written again.

        For a caller whose source failed partway (a dropped connection) and resumes from a point
        it noted. Where that point lies in a block already on disk, the block's bytes before it are
        read back into the buffer, so writes stay aligned.
        """
        if not 0 <= position <= self.position:
            raise ValueError(f"cannot rewind to {position}: {self.position} bytes were given")
        self._wait_for_write()
        self._rewound = True
        if self._view is None:
            os.lseek(self._fd, position, os.SEEK_SET)
            self._offset = position
            return
        if position >= self._offset:
            self._filled = position - self._offset
            return
        start = position - position % ALIGNMENT
        if position > start:
            # The buffer's offset is block-aligned, so the whole block is on disk.
            block = self._view[:ALIGNMENT]
            try:
                got = os.preadv(self._fd, [block], start)
            finally:
                block.release()
            if got < position - start:
                raise OSError(errno.EIO, f"read back {got} of {position - start} bytes at {start}")
        os.lseek(self._fd, start, os.SEEK_SET)
        self._offset, self._filled = start, position - start

    def close(self) -> None:
        """Write what is buffered (the unaligned tail through the cache) and close the file."""
        if self._fd < 0:
            return
        try:
            self._wait_for_write()
            end = self.position
            if self._view is not None and self._filled:
                aligned = self._filled - self._filled % ALIGNMENT
                if aligned:
                    self._write_block(self._view[:aligned])
                if aligned < self._filled:
                    self._stop_direct()
                    _write_all(self._fd, self._view[aligned : self._filled])
                self._filled = 0
            if self._rewound:
                os.ftruncate(self._fd, end)
        finally:
            self._release()

    def abandon(self) -> None:
        """Close without writing what is still buffered (the file is about to be deleted)."""
        try:
            self._wait_for_write()
        except OSError:
            pass
        finally:
            self._release()

    def _flush_full_buffer(self) -> None:
        """Send the full buffer to the disk: on the writer thread while the caller fills the other
        half, or here and now."""
        assert self._view is not None
        full, self._filled = self._view, 0
        self._offset += len(full)
        if self._writer is None:
            self._write_block(full)
            return
        self._wait_for_write()
        self._in_flight = self._writer.submit(self._write_block, full)
        self._view = self._views[1] if full is self._views[0] else self._views[0]

    def _wait_for_write(self) -> None:
        """Wait for the write in flight, if any; its failure is raised here."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def _write_block(self, block: memoryview) -> None:
        """Write ``block`` (a multiple of ``ALIGNMENT`` bytes) at the file's current end."""
        while block:
            try:
                written = os.write(self._fd, block)
            except OSError as exc:
                if exc.errno != errno.EINVAL or not self.direct:
                    raise
                # The device wants a larger alignment than ours: go on through the cache.
                self._stop_direct()
                continue
            if self.direct:
                self.direct_bytes += written
            block = block[written:]
            if written % ALIGNMENT and block:
                self._stop_direct()

    def _stop_direct(self) -> None:
        if self.direct:
            _set_direct(self._fd, on=False)
            self.direct = False

    def _release(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._view = None
        for view in self._views:
            view.release()
        self._views = []
        for owned in self._owned:
            try:
                owned.close()
            except BufferError:
                # A view of it lives on in the traceback of a failure being handled: the memory
                # is unmapped when that goes, instead of this error hiding the failure.
                pass
        self._owned = []


def _fill(readinto: Callable[[memoryview], int], view: memoryview) -> None:
    got = 0
    while got < len(view):
        count = readinto(view[got:])
        if not count:
            raise EOFError(f"the source ended {len(view) - got} bytes short")
        got += count


_TOKEN = secrets.token_hex(4)
_serial = itertools.count()


def unique_name(prefix: str, suffix: str = "") -> str:
    """A temporary file name no other process picks, nor an earlier run with the same process id.

    Process ids repeat (a container's first process is always 1), so a random token made at
    import sits beside the id: a crashed run's leftovers never block a later one.
    """
    return f"{prefix}{os.getpid()}-{_TOKEN}-{next(_serial)}{suffix}"


class AlignedBuffers:
    """Page-aligned buffers lent to whichever thread needs one, a few kept between loans.

    Memory already touched costs no page faults, so buffers are reused; but one per thread grew
    with every thread that ever did direct I/O (storage-gateway's write pool alone has 32), and
    each kept the pages of the largest chunk it had held: 55 MB of storage-gateway's resident
    memory after one benchmark run. Here at most ``keep`` idle buffers stay; a loan beyond them
    gets a fresh buffer that is unmapped when it comes back.
    """

    def __init__(self, size: int = BUFFER_BYTES, keep: int = 6) -> None:
        self.size = size
        self.keep = keep
        self._idle: list[mmap.mmap] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrowed(self) -> Iterator[mmap.mmap]:
        """A buffer of ``size`` bytes for the duration of the block; nothing may still view it after."""
        with self._lock:
            buffer = self._idle.pop() if self._idle else None
        if buffer is None:
            buffer = mmap.mmap(-1, self.size)
        try:
            yield buffer
        finally:
            with self._lock:
                kept = len(self._idle) < self.keep
                if kept:
                    self._idle.append(buffer)
            if not kept:
                buffer.close()

    @property
    def idle(self) -> int:
        return len(self._idle)


shared_buffers = AlignedBuffers()
"""The process's pool: every direct read, and storage-gateway's direct writes, borrow from it."""


def read_file(
    path: str | os.PathLike[str], start: int = 0, length: int | None = None, *, direct_from: int = 0
) -> bytes:
    """``length`` bytes of ``path`` from ``start`` (to the end if None).

    A file of at least ``direct_from`` bytes is read around the page cache, a block-multiple at a
    time, through an aligned buffer borrowed from :data:`shared_buffers`; a smaller one, or one
    on a file system that refuses ``O_DIRECT``, is read normally.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        end = size if length is None else min(size, start + length)
        if end <= start:
            return b""
        if size < direct_from or not _set_direct(fd):
            return _pread_all(fd, start, end - start)
        with shared_buffers.borrowed() as buffer:
            return _read_direct(fd, memoryview(buffer), start, end)
    finally:
        os.close(fd)


def _read_direct(fd: int, view: memoryview, start: int, end: int) -> bytes:
    """Bytes ``start:end`` of ``fd`` (opened with ``O_DIRECT``) through the aligned ``view``."""
    pieces: list[bytes] = []
    try:
        position = start - start % ALIGNMENT
        while position < end:
            wanted = min(len(view), _round_up(end - position))
            try:
                got = os.preadv(fd, [view[:wanted]], position)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                got = -1  # the device wants a larger alignment than ours
            if got > 0:
                pieces.append(bytes(view[max(start - position, 0) : min(got, end - position)]))
                position += got
            if got == 0 or position >= end:
                break
            if got < wanted:
                # Refused, or short of the end (never seen on a local file system): the next
                # offset may not be aligned, so the rest is read the ordinary way.
                _set_direct(fd, on=False)
                rest_from = max(position, start)
                pieces.append(_pread_all(fd, rest_from, end - rest_from))
                break
    finally:
        view.release()
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _round_up(length: int) -> int:
    return length + (-length) % ALIGNMENT


def _set_direct(fd: int, *, on: bool = True) -> bool:
    """Turn ``O_DIRECT`` on (or off) for ``fd``; False where it cannot be turned on."""
    if not _DIRECT or sys.platform == "win32":
        return False
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | _DIRECT if on else flags & ~_DIRECT)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        return False
    return True


def _pread_all(fd: int, start: int, length: int) -> bytes:
    pieces: list[bytes] = []
    while length > 0:
        piece = os.pread(fd, length, start)
        if not piece:
            break
        pieces.append(piece)
        start += len(piece)
        length -= len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _create(path: str | os.PathLike[str], mode: int, direct: bool) -> tuple[int, bool]:
    if direct:
        try:
            return os.open(path, _CREATE | _DIRECT, mode), True
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
    return os.open(path, _CREATE, mode), False


def _write_all(fd: int, view: memoryview) -> None:
    while view:
        view = view[os.write(fd, view) :]


# The most buffers one writev takes (Linux: 1024).
_IOV_MAX = os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") else 1024


def write_parts(fd: int, parts: Sequence[bytes]) -> None:
    """Write ``parts`` back to back at the file's position, as few ``writev`` calls, none joined first.

    Handing the records to ``writev`` up to ``IOV_MAX`` at a time costs less CPU than joining
    thousands of small records into one buffer first, and no joined copy is held.
    """
    if not hasattr(os, "writev"):
        _write_all(fd, memoryview(b"".join(parts)))
        return
    pending: list[bytes | memoryview] = list(parts)
    start = 0
    while start < len(pending):
        group = pending[start : start + _IOV_MAX]
        written = os.writev(fd, group)
        if written == 0 and any(group):
            raise OSError(errno.EIO, "writev wrote nothing")
        for part in group:
            if written < len(part):
                pending[start] = memoryview(part)[written:]
                break
            written -= len(part)
            start += 1
