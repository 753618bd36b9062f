"""The resolved files of a query as a read-only fsspec filesystem over storage-gateway's own chunks.

Query engines read a version's file in ranges straight from the chunk store (each chunk verified
as usual), so no local copy of a version is ever made. Engines call from their worker threads;
each read is handed to the service's event loop, which owns the chunk store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from kamld_content.manifest import FileEntry

PROTOCOL = "kamld-content"
BLOCK_BYTES = 8 << 20
ReadRange = Callable[[FileEntry, int, int], bytes]
"""``read(entry, start, end)``: the bytes ``[start, end)`` of a file."""


class _File(AbstractBufferedFile):
    def __init__(self, fs: ContentFileSystem, path: str, entry: FileEntry) -> None:
        self.entry = entry
        super().__init__(fs, path, mode="rb", block_size=BLOCK_BYTES, cache_type="readahead", size=entry.size)

    def _fetch_range(self, start: int, end: int) -> bytes:
        end = min(end, self.entry.size)
        if start >= end:
            return b""
        data: bytes = self.fs.read_range(self.entry, start, end)
        return data


class ContentFileSystem(AbstractFileSystem):
    """Exactly the files a query resolved, each under the name its engine was given."""

    protocol = PROTOCOL
    cachable = False

    def __init__(self, files: Mapping[str, FileEntry], read_range: ReadRange, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files = dict(files)
        self.read_range = read_range

    def _entry(self, path: str) -> FileEntry:
        entry = self.files.get(self._strip_protocol(path))
        if entry is None:
            raise FileNotFoundError(path)
        return entry

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        name = self._strip_protocol(path)
        if name in self.files:
            return {"name": name, "size": self.files[name].size, "type": "file"}
        if any(key.startswith(name.rstrip("/") + "/") for key in self.files):
            return {"name": name, "size": 0, "type": "directory"}
        raise FileNotFoundError(path)

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        base = self._strip_protocol(path).rstrip("/")
        names = sorted(key for key in self.files if key.rsplit("/", 1)[0] == base)
        return [self.info(name) for name in names] if detail else names

    def _open(self, path: str, mode: str = "rb", **kwargs: Any) -> _File:
        if mode != "rb":
            raise PermissionError("query content is read-only")
        return _File(self, self._strip_protocol(path), self._entry(path))


def loop_reader(loop: asyncio.AbstractEventLoop, read: Callable[[FileEntry, int, int], Any]) -> ReadRange:
    """A thread-side ``read_range`` that runs the coroutine ``read(entry, start, end)`` on ``loop``."""

    def read_range(entry: FileEntry, start: int, end: int) -> bytes:
        data: bytes = asyncio.run_coroutine_threadsafe(read(entry, start, end), loop).result()
        return data

    return read_range
