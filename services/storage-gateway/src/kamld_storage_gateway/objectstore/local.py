"""Objects as read-only files under one directory, written atomically and durably.

Durability policy: an object is written to a temporary file in its final directory, the file is
fsynced, then linked into place (``os.link`` fails when the name exists, which makes "write only
if absent" exact under concurrent writers; filesystems without hard links fall back to
``os.replace``), and finally the directory is fsynced so the new name survives a power loss.
Directories created on the way are fsynced into their parents too. A crash leaves at worst a
temporary file (a name starting with ``.``), which listing ignores.

A batch (:meth:`LocalObjectStore.put_many_if_absent`) keeps that policy but pays for it once per
batch rather than once per object. On Linux every object of the batch is written to its
temporary file, one ``syncfs`` makes all those bytes durable, the files are linked into place,
and a second ``syncfs`` makes the names durable before the batch reports success: a name never
points at bytes that are not on disk, and nothing is acknowledged before it is durable. Where
``syncfs`` is missing, objects are written and fsynced in parallel and each directory that
gained names is fsynced once.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import os
import stat
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from kamld_storage_gateway.objectstore.base import (
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectStoreUnavailable,
    validate_key,
)

READ_ONLY = 0o444
_LIST_BATCH = 1000
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}
# fsync mostly waits on the disk, so many threads in flight let the filesystem commit them together.
_SYNC_THREADS = 32
_SYNC_POOL = ThreadPoolExecutor(max_workers=_SYNC_THREADS, thread_name_prefix="kamld-local-sync")


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(temp: Path, path: Path) -> bool:
    """Give ``temp`` the name ``path`` unless it exists; True when it did."""
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        os.replace(temp, path)
    return True


def _libc_function(name: str, argtypes: list[type]) -> Callable[..., int] | None:
    """A Linux libc function, or None where it is missing."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function


# syncfs flushes one filesystem, as one fsync per file would; renameat2 with RENAME_NOREPLACE
# names a file only if the name is free, in one step where link + unlink take two.
_SYNCFS = _libc_function("syncfs", [ctypes.c_int])
_RENAMEAT2 = _libc_function(
    "renameat2", [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
)
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1


def _rename_if_absent(temp: Path, path: Path) -> bool | None:
    """Rename ``temp`` to ``path`` unless it exists: True, False, or None where unsupported."""
    if _RENAMEAT2 is None:
        return None
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(temp), _AT_FDCWD, os.fsencode(path), _RENAME_NOREPLACE) == 0:
        return True
    code = ctypes.get_errno()
    if code == errno.EEXIST:
        return False
    if code in (errno.EINVAL, errno.ENOSYS, *_NO_HARD_LINKS):
        return None
    raise OSError(code, os.strerror(code), str(path))


def _sync_filesystem(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _SYNCFS(fd) != 0:  # type: ignore[misc]
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(path))
    finally:
        os.close(fd)


class LocalObjectStore:
    """An :class:`ObjectStore` in a local directory (the embedded default)."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        # Directories known to exist; object directories are never removed while the store runs.
        self._directories: set[Path] = set()

    def _path(self, key: str) -> Path:
        validate_key(key)
        path = Path(os.path.normpath(self.root / key))
        if self.root not in path.parents:
            raise InvalidKey(f"object key {key[:100]!r} escapes the store")
        return path

    # -- writing ---------------------------------------------------------------------------

    def _make_directories(self, directory: Path) -> None:
        missing = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            try:
                new.mkdir()
            except FileExistsError:
                continue
            _fsync_directory(new.parent)

    def _link_new(self, key: str, data: bytes) -> Path | None:
        """Write ``data`` durably and link it as ``key``; the directory that gained the name, or None.

        The caller fsyncs the returned directory before it reports the object as stored.
        """
        path = self._path(key)
        if path.exists():
            return None
        self._make_directories(path.parent)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fchmod(stream.fileno(), READ_ONLY)
                os.fsync(stream.fileno())
            return path.parent if _link(temp, path) else None
        finally:
            temp.unlink(missing_ok=True)

    def _put_if_absent(self, key: str, data: bytes) -> bool:
        directory = self._link_new(key, data)
        if directory is None:
            return False
        _fsync_directory(directory)
        return True

    async def put_if_absent(self, key: str, data: bytes) -> bool:
        return await asyncio.to_thread(self._put_if_absent, key, data)

    async def put_many_if_absent(self, items: Sequence[tuple[str, bytes]]) -> set[str]:
        """Store every ``(key, data)`` absent so far; the keys this call wrote.

        On Linux the batch is staged, flushed with one ``syncfs``, linked, and flushed again;
        elsewhere objects are written and fsynced in parallel and each directory fsynced once.
        """
        unique = dict(items)
        for key in unique:
            self._path(key)
        if _SYNCFS is not None:
            return await asyncio.get_running_loop().run_in_executor(_SYNC_POOL, self._put_batch, unique)
        return await self._put_each(unique)

    def _put_batch(self, items: dict[str, bytes]) -> set[str]:
        """Stage every object, make the staged bytes durable, name them, make the names durable."""
        staged: list[tuple[str, Path, Path]] = []
        written: set[str] = set()
        try:
            for key, data in items.items():
                path = self._path(key)
                if path.parent not in self._directories:
                    self._make_directories(path.parent)
                    self._directories.add(path.parent)
                fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                staged.append((key, path, Path(temp_name)))
                with os.fdopen(fd, "wb") as stream:
                    stream.write(data)
                    os.fchmod(stream.fileno(), READ_ONLY)
            _sync_filesystem(self.root)
            while staged:
                key, path, temp = staged.pop()
                renamed = _rename_if_absent(temp, path)
                if renamed is None:
                    renamed = _link(temp, path)
                    temp.unlink()
                elif not renamed:
                    temp.unlink()
                if renamed:
                    written.add(key)
        finally:
            for _, _, temp in staged:
                temp.unlink(missing_ok=True)
            if written:
                _sync_filesystem(self.root)
        return written

    async def _put_each(self, items: dict[str, bytes]) -> set[str]:
        loop = asyncio.get_running_loop()
        outcomes = await asyncio.gather(
            *(loop.run_in_executor(_SYNC_POOL, self._link_new, key, data) for key, data in items.items()),
            return_exceptions=True,
        )
        # Names linked before a failure are made durable too: another request may already see them.
        changed = {outcome for outcome in outcomes if isinstance(outcome, Path)}
        await asyncio.gather(
            *(loop.run_in_executor(_SYNC_POOL, _fsync_directory, directory) for directory in changed)
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return {key for key, outcome in zip(items, outcomes, strict=True) if isinstance(outcome, Path)}

    # -- reading ---------------------------------------------------------------------------

    def _read(self, key: str, start: int, length: int | None) -> bytes:
        path = self._path(key)
        try:
            with open(path, "rb") as stream:
                if start:
                    stream.seek(start)
                return stream.read() if length is None else stream.read(length)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key, 0, None)

    async def get_range(self, key: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise ValueError(f"range must not be negative, got start={start} length={length}")
        return await asyncio.to_thread(self._read, key, start, length)

    def _stat(self, key: str) -> ObjectInfo | None:
        try:
            st = os.stat(self._path(key))
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return ObjectInfo(key=key, size=st.st_size, modified=datetime.fromtimestamp(st.st_mtime, UTC))

    async def stat(self, key: str) -> ObjectInfo | None:
        return await asyncio.to_thread(self._stat, key)

    def _exists_many(self, keys: list[str]) -> set[str]:
        return {key for key in keys if self._path(key).is_file()}

    async def exists_many(self, keys: Iterable[str]) -> set[str]:
        return await asyncio.to_thread(self._exists_many, list(keys))

    # -- deleting and listing ----------------------------------------------------------------

    def _delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        _fsync_directory(path.parent)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    def _walk(self, directory: Path, relative: str, prefix: str) -> Iterator[ObjectInfo]:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            return
        # Sorting directories as "name/" yields keys in plain lexicographic order.
        named = [
            (entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name, entry)
            for entry in entries
        ]
        for sort_name, entry in sorted(named, key=lambda item: item[0]):
            if entry.name.startswith("."):
                continue
            key = relative + sort_name
            if sort_name.endswith("/"):
                if key.startswith(prefix) or prefix.startswith(key):
                    yield from self._walk(Path(entry.path), key, prefix)
            elif key.startswith(prefix) and entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                yield ObjectInfo(key=key, size=st.st_size, modified=datetime.fromtimestamp(st.st_mtime, UTC))

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        walker = self._walk(self.root, "", prefix)
        while True:
            batch = await asyncio.to_thread(
                lambda: [item for _, item in zip(range(_LIST_BATCH), walker, strict=False)]
            )
            for item in batch:
                yield item
            if len(batch) < _LIST_BATCH:
                return

    async def presign_get(self, key: str, expires_s: int = 3600) -> str | None:
        validate_key(key)
        return None

    def _check(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise ObjectStoreUnavailable("the local object directory is missing or not writable")

    async def check(self) -> None:
        await asyncio.to_thread(self._check)
