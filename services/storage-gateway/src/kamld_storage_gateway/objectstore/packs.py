"""Small objects of the local store packed into few files, found through an SQLite index.

Creating a file costs far more than writing a few KiB into one (about 0.2 ms per file on ext4
against 0.01 ms per object appended to a pack), so a batch of small objects is written as one
**pack**: ``.packs/<random>.pack`` under the store root, records back to back, each
``u16 key length, key (UTF-8), u64 size, bytes``. A pack is self-describing, so the index can
be rebuilt from the packs alone (:meth:`PackIndex.rebuild`).

The **index** (``.packs/index.sqlite``) maps each packed key to ``(pack, offset, size,
modified)`` and keeps, per pack, its data bytes and the bytes still live. Durability follows the
store's policy: the pack is written and fsynced (and its directory, for the new name) before
the index rows that name it are committed, with SQLite in ``synchronous=FULL``; a crash leaves
at worst a pack no row names, removed when the store next opens (once it is an hour old).

"Write only if absent" is exact among batches: the rows are inserted in one ``BEGIN
IMMEDIATE`` transaction that first looks up which keys another writer indexed meanwhile, so
each key is indexed by exactly one pack. Deleting a key drops its row and subtracts its bytes
from its pack; a pack with nothing live is removed, and a pack less than half live is
**compacted**: its live objects are copied into a new pack, the rows are moved in one
transaction, and the old file is removed. Readers that looked a key up just before a move find
the old file gone and look the key up again.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kamld_content.direct import write_parts

PACK_DIRECTORY = ".packs"
INDEX_NAME = "index.sqlite"
# The index's pages kept in memory by storage-gateway (SQLite's default is 2 MiB). Every batched
# read and every presence check looks its keys up here, and a key's page is anywhere in the
# B-tree: with the index's pages evicted from the page cache, each lookup of a 16 MiB group of
# a large file waited on a dozen small random reads. 16 MiB holds the index of ~60,000 objects.
INDEX_CACHE_KIB = 16 << 10
PACK_SUFFIX = ".pack"
READ_ONLY = 0o444
# A pack nothing names and older than this is the leftover of a crash between file and index.
ORPHAN_AGE_S = 3600
# A pack whose live bytes fall below this share of its data is rewritten without the dead ones.
COMPACT_BELOW = 0.5
_QUERY_BATCH = 500
_KEY_LENGTH = struct.Struct(">H")
_SIZE = struct.Struct(">Q")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS packs (
    name TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL,
    live INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    key TEXT PRIMARY KEY,
    pack TEXT NOT NULL,
    offset INTEGER NOT NULL,
    size INTEGER NOT NULL,
    modified REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_by_pack ON objects (pack);
"""


@dataclass(frozen=True, slots=True)
class PackedObject:
    key: str
    pack: str
    offset: int
    size: int
    modified: float


def encode_record(key: str, data: bytes) -> tuple[bytes, int]:
    """A pack record's header and the offset of the data within the record."""
    name = key.encode("utf-8")
    header = _KEY_LENGTH.pack(len(name)) + name + _SIZE.pack(len(data))
    return header, len(header)


def iter_records(path: Path) -> Iterator[tuple[str, int, int]]:
    """``(key, data offset, size)`` of every complete record of a pack file."""
    with open(path, "rb") as stream:
        content = stream.read()
    position = 0
    while position + _KEY_LENGTH.size <= len(content):
        (name_length,) = _KEY_LENGTH.unpack_from(content, position)
        start = position + _KEY_LENGTH.size + name_length + _SIZE.size
        if start > len(content):
            return
        key = content[position + _KEY_LENGTH.size : position + _KEY_LENGTH.size + name_length].decode("utf-8")
        (size,) = _SIZE.unpack_from(content, start - _SIZE.size)
        if start + size > len(content):
            return
        yield key, start, size
        position = start + size


def fsync_directory(path: Path) -> None:
    """Make a directory's entries (names created, renamed or removed in it) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PackIndex:
    """The packs of one store directory and the index that finds objects in them (thread-safe)."""

    def __init__(self, root: Path) -> None:
        self.directory = root / PACK_DIRECTORY
        created = not self.directory.exists()
        self.directory.mkdir(parents=True, exist_ok=True)
        if created:
            fsync_directory(root)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.directory / INDEX_NAME, check_same_thread=False, isolation_level=None, timeout=60
        )
        # A rollback journal (not WAL) keeps the index's size on disk steady between commits.
        self._db.execute("PRAGMA journal_mode=TRUNCATE")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(f"PRAGMA cache_size=-{INDEX_CACHE_KIB}")
        self._db.executescript(_SCHEMA)
        self._remove_orphans()

    # -- reading the index -----------------------------------------------------------------

    def lookup(self, keys: Iterable[str]) -> dict[str, PackedObject]:
        with self._lock:
            rows = self._rows_of("key, pack, offset, size, modified", list(keys))
            return {row[0]: PackedObject(*row) for row in rows}

    def sizes(self, keys: Sequence[str]) -> dict[str, int]:
        """The size of each of ``keys`` that is packed: what presence checks need, without the rest
        of each row (a 20,000-key check spent most of its time building :class:`PackedObject`)."""
        with self._lock:
            return dict(self._rows_of("key, size", keys))

    def _rows_of(self, columns: str, keys: Sequence[str]) -> Iterator[tuple]:
        """``columns`` of the rows of those ``keys`` the index holds, ``_QUERY_BATCH`` keys a query.

        The caller holds the lock until it has read every row.
        """
        for start in range(0, len(keys), _QUERY_BATCH):
            batch = keys[start : start + _QUERY_BATCH]
            yield from self._db.execute(
                f"SELECT {columns} FROM objects WHERE key IN ({','.join('?' * len(batch))})", batch
            )

    def get(self, key: str) -> PackedObject | None:
        return self.lookup([key]).get(key)

    def list_after(self, after: str | None, prefix: str, limit: int) -> list[PackedObject]:
        """Up to ``limit`` objects under ``prefix`` whose key sorts after ``after``, in key order."""
        low = after if after is not None and after >= prefix else None
        with self._lock:
            if low is None:
                rows = self._db.execute(
                    "SELECT key, pack, offset, size, modified FROM objects WHERE key >= ? "
                    "ORDER BY key LIMIT ?",
                    (prefix, limit),
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT key, pack, offset, size, modified FROM objects WHERE key > ? "
                    "ORDER BY key LIMIT ?",
                    (low, limit),
                ).fetchall()
        return [PackedObject(*row) for row in rows if row[0].startswith(prefix)]

    def pack_path(self, pack: str) -> Path:
        return self.directory / (pack + PACK_SUFFIX)

    def read(self, item: PackedObject, start: int = 0, length: int | None = None) -> bytes:
        """Bytes of a packed object; FileNotFoundError when its pack was compacted away meanwhile."""
        start = min(start, item.size)
        count = item.size - start if length is None else min(length, item.size - start)
        fd = os.open(self.pack_path(item.pack), os.O_RDONLY)
        try:
            return _pread_exactly(fd, count, item.offset + start)
        finally:
            os.close(fd)

    def read_many(self, items: Sequence[PackedObject]) -> list[bytes]:
        """Bytes of several packed objects, one open per pack; FileNotFoundError as :meth:`read`."""
        handles: dict[str, int] = {}
        try:
            out = []
            for item in items:
                fd = handles.get(item.pack)
                if fd is None:
                    fd = handles[item.pack] = os.open(self.pack_path(item.pack), os.O_RDONLY)
                out.append(_pread_exactly(fd, item.size, item.offset))
            return out
        finally:
            for fd in handles.values():
                os.close(fd)

    # -- writing ---------------------------------------------------------------------------

    def write(self, items: Sequence[tuple[str, bytes]], *, modified: float | None = None) -> set[str]:
        """Pack every ``(key, data)`` whose key no pack holds yet; the keys this call indexed."""
        if not items:
            return set()
        name = uuid.uuid4().hex
        path = self.pack_path(name)
        placed: list[tuple[str, int, int]] = []
        parts: list[bytes] = []
        position = 0
        for key, data in items:
            header, data_offset = encode_record(key, data)
            parts.append(header)
            parts.append(data)
            placed.append((key, position + data_offset, len(data)))
            position += data_offset + len(data)
        try:
            self._write_durably(path, parts)
            written = self._index(name, placed, time.time() if modified is None else modified)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if not written:
            path.unlink(missing_ok=True)
        return written

    def _write_durably(self, path: Path, parts: Sequence[bytes]) -> None:
        """Create a pack file with ``parts`` and make it and its name durable before it is indexed."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, READ_ONLY)
        try:
            write_parts(fd, parts)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_directory(self.directory)

    @contextmanager
    def _write_transaction(self) -> Iterator[None]:
        """One change of the index under this process's lock and SQLite's write lock, committed when
        the block succeeds and rolled back when it raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _index(self, name: str, placed: list[tuple[str, int, int]], modified: float) -> set[str]:
        with self._write_transaction():
            taken = self._present_locked([key for key, _, _ in placed])
            rows = [(key, name, offset, size, modified) for key, offset, size in placed if key not in taken]
            # The same key twice in one batch is indexed once (its first record).
            unique: dict[str, tuple[str, str, int, int, float]] = {}
            for row in rows:
                unique.setdefault(row[0], row)
            if unique:
                self._db.executemany(
                    "INSERT INTO objects (key, pack, offset, size, modified) VALUES (?, ?, ?, ?, ?)",
                    unique.values(),
                )
                total = sum(size for _, _, size in placed)
                live = sum(row[3] for row in unique.values())
                self._db.execute(
                    "INSERT INTO packs (name, bytes, live) VALUES (?, ?, ?)", (name, total, live)
                )
        return set(unique)

    def _present_locked(self, keys: list[str]) -> set[str]:
        return {row[0] for row in self._rows_of("key", keys)}

    def delete(self, key: str) -> bool:
        """Drop ``key`` from the index; remove or compact its pack when little of it stays live."""
        with self._write_transaction():
            row = self._db.execute("SELECT pack, size FROM objects WHERE key = ?", (key,)).fetchone()
            if row is None:
                return False
            pack, size = row
            self._db.execute("DELETE FROM objects WHERE key = ?", (key,))
            self._db.execute("UPDATE packs SET live = live - ? WHERE name = ?", (size, pack))
            stats = self._db.execute("SELECT bytes, live FROM packs WHERE name = ?", (pack,)).fetchone()
            empty = stats is not None and (stats[1] <= 0 or not self._has_objects_locked(pack))
            if empty:
                self._db.execute("DELETE FROM packs WHERE name = ?", (pack,))
        if empty:
            self.pack_path(pack).unlink(missing_ok=True)
        elif stats is not None and stats[1] < stats[0] * COMPACT_BELOW:
            self.compact(pack)
        return True

    def _has_objects_locked(self, pack: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM objects WHERE pack = ? LIMIT 1", (pack,)).fetchone() is not None
        )

    def compact(self, pack: str) -> None:
        """Copy the live objects of ``pack`` into a new pack and remove the old file."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, pack, offset, size, modified FROM objects WHERE pack = ?", (pack,)
            ).fetchall()
        items = [PackedObject(*row) for row in rows]
        try:
            contents = self.read_many(items)
        except FileNotFoundError:
            return  # another compaction of the same pack won
        name = uuid.uuid4().hex
        path = self.pack_path(name)
        parts: list[bytes] = []
        moved: list[tuple[PackedObject, int]] = []
        position = 0
        for item, data in zip(items, contents, strict=True):
            header, data_offset = encode_record(item.key, data)
            parts += [header, data]
            moved.append((item, position + data_offset))
            position += data_offset + len(data)
        if moved:
            self._write_durably(path, parts)
        try:
            with self._write_transaction():
                live = 0
                for item, offset in moved:
                    # Objects deleted while the copy was made stay deleted.
                    cursor = self._db.execute(
                        "UPDATE objects SET pack = ?, offset = ? WHERE key = ? AND pack = ?",
                        (name, offset, item.key, pack),
                    )
                    live += item.size * cursor.rowcount
                if moved:
                    total = sum(item.size for item, _ in moved)
                    self._db.execute(
                        "INSERT INTO packs (name, bytes, live) VALUES (?, ?, ?)", (name, total, live)
                    )
                self._db.execute("DELETE FROM packs WHERE name = ?", (pack,))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.pack_path(pack).unlink(missing_ok=True)

    # -- maintenance -----------------------------------------------------------------------

    def _remove_orphans(self) -> None:
        """Remove packs no index row names that are old enough not to be in flight elsewhere."""
        with self._lock:
            known = {row[0] for row in self._db.execute("SELECT name FROM packs")}
        cutoff = time.time() - ORPHAN_AGE_S
        for entry in os.scandir(self.directory):
            if not entry.name.endswith(PACK_SUFFIX):
                continue
            name = entry.name[: -len(PACK_SUFFIX)]
            if name not in known and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)

    def rebuild(self) -> int:
        """Re-create the index from the pack files (after losing it); how many objects were indexed."""
        count = 0
        packs = sorted(self.directory.glob("*" + PACK_SUFFIX))
        with self._write_transaction():
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM packs")
            for path in packs:
                name = path.name[: -len(PACK_SUFFIX)]
                modified = path.stat().st_mtime
                total = live = 0
                for key, offset, size in iter_records(path):
                    total += size
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO objects (key, pack, offset, size, modified) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (key, name, offset, size, modified),
                    )
                    live += size * cursor.rowcount
                    count += cursor.rowcount
                self._db.execute(
                    "INSERT INTO packs (name, bytes, live) VALUES (?, ?, ?)", (name, total, live)
                )
        return count

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _pread_exactly(fd: int, count: int, offset: int) -> bytes:
    data = os.pread(fd, count, offset)
    if len(data) == count:
        return data
    parts = [data]
    got = len(data)
    while got < count:
        more = os.pread(fd, count - got, offset + got)
        if not more:
            break  # a truncated pack: the caller's digest check reports the damage
        parts.append(more)
        got += len(more)
    return b"".join(parts)
