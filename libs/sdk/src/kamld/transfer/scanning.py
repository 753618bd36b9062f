"""Finding a directory's files and cutting them into chunks.

A directory's ``.kamld/`` (its working-copy state) and the temporary files a killed pull left
behind (``.kamld-tmp-*``) are never part of a version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kamld.errors import KamldClientError
from kamld.transfer.progress import ProgressCallback, _Counter
from kamld.transfer.writing import TEMP_PREFIX
from kamld_content.chunking import ChunkRef, FileChunks, chunk_file
from kamld_content.manifest import FileEntry, mode_from_stat
from kamld_content.paths import normalize_path, resolve_inside

STATE_DIR = ".kamld"
"""A working copy's own folder (at its top; a folder pulled into another working copy has its own):
never pushed, never overwritten by a pull."""

WalkedFile = tuple[str, str, int, int]
"""``(manifest path, file to read, mode, size)``."""


@dataclass(frozen=True)
class _LocalFile:
    path: str
    source: str
    mode: int
    chunks: FileChunks
    mtime_ns: int = 0

    def entry(self) -> FileEntry:
        # The path was normalized by the walk and the digests come from the scan itself.
        return FileEntry.trusted(
            self.path, self.chunks.size, self.mode, self.chunks.file_digest, list(self.chunks.chunks)
        )


def walk_with_stats(directory: Path) -> Iterator[tuple[WalkedFile, os.stat_result]]:
    """Every regular file as a :data:`WalkedFile` with its ``stat`` as listed, in no particular
    order, as the directories are read; symlinks resolved inside.

    The stat is what a working copy's state records, to trust the file later while it matches.
    """

    def visit(folder: str, prefix: str) -> Iterator[tuple[WalkedFile, os.stat_result]]:
        with os.scandir(folder) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.name.startswith(TEMP_PREFIX) or entry.name == STATE_DIR:
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
            yield (normalize_path(relative), source, mode_from_stat(st.st_mode), st.st_size), st

    return visit(os.fspath(directory), "")


def scan_directory(
    directory: str | os.PathLike[str], *, concurrency: int = 8, progress: ProgressCallback | None = None
) -> list[_LocalFile]:
    """Chunk and hash every file of ``directory`` in threads; sorted by manifest path."""
    root = Path(directory)
    if not root.is_dir():
        raise KamldClientError(f"{os.fspath(directory)!r} is not a directory", code="not_a_directory")
    stats: dict[str, int] = {}
    listed = []
    for item, stat in walk_with_stats(root):
        listed.append(item)
        stats[item[0]] = stat.st_mtime_ns
    counter = _Counter("scan", sum(size for *_, size in listed), progress)

    def chunk(item: WalkedFile) -> _LocalFile:
        path, source, mode, _ = item
        chunks = chunk_file(source)
        counter.add(chunks.size)
        return _LocalFile(path, source, mode, chunks, stats[path])

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        scanned = list(pool.map(chunk, listed))
    return sorted(scanned, key=lambda item: item.path)


def _file_groups(
    listed: Iterable[WalkedFile], max_files: int, max_bytes: int, alone_above: int | None = None
) -> Iterator[list[WalkedFile]]:
    """Consecutive groups of at most ``max_files`` files and ``max_bytes``.

    A file larger than ``max_bytes``, or than ``alone_above`` when given, is a group of its own.
    """
    group: list[WalkedFile] = []
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
