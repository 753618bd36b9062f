"""One file of a version's manifest, and its canonical one-line encoding.

The canonical form is compact JSON with sorted keys and no spaces; chunks are ``[digest, size]``
pairs in file order (offsets follow from the sizes). Decoding accepts only the canonical form, so
one entry has exactly one encoding and a manifest's digest cannot depend on who wrote it.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from typing import Any

from kamld_content.chunking import ChunkRef
from kamld_content.hashing import parse_digest
from kamld_content.paths import InvalidPath, normalize_path

REGULAR_MODE = 0o644
EXECUTABLE_MODE = 0o755
_KEYS = {"chunks", "digest", "mode", "path", "size"}
_encode_string = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def mode_from_stat(st_mode: int) -> int:
    """The mode a version records for a file: 0o755 when any execute bit is set, else 0o644.

    Only executability is versioned (as in git): owner, group and umask differ between machines.
    """
    return EXECUTABLE_MODE if st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) else REGULAR_MODE


def _require_int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise ValueError(f"file entry field {name!r} must be an integer, got {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file in a version: normalized path, size, mode, whole-content digest and its chunks."""

    path: str
    size: int
    mode: int
    digest: str
    chunks: list[ChunkRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        if normalize_path(self.path) != self.path:
            raise InvalidPath(self.path, f"is not in normal form (expected {normalize_path(self.path)!r})")
        _require_int(self.size, "size")
        _require_int(self.mode, "mode")
        if self.size < 0:
            raise ValueError(f"{self.path}: size must not be negative")
        if self.mode not in (REGULAR_MODE, EXECUTABLE_MODE):
            raise ValueError(f"{self.path}: mode must be 0o644 or 0o755, got {oct(self.mode)}")
        parse_digest(self.digest)
        offset = 0
        for chunk in self.chunks:
            parse_digest(chunk.digest)
            _require_int(chunk.size, "chunk size")
            if chunk.offset != offset or chunk.size <= 0:
                raise ValueError(f"{self.path}: chunks must be non-empty and contiguous from offset 0")
            offset += chunk.size
        if offset != self.size:
            raise ValueError(f"{self.path}: chunk sizes add up to {offset}, the file has {self.size} bytes")
        if len(self.chunks) == 1 and self.chunks[0].digest != self.digest:
            raise ValueError(f"{self.path}: a file of one chunk must have that chunk's digest")

    @classmethod
    def trusted(cls, path: str, size: int, mode: int, digest: str, chunks: list[ChunkRef]) -> FileEntry:
        """An entry from fields already known to be valid, without checking them again.

        For entries this process made from its own scan, or decoded from a page whose digest
        proved it holds bytes that were validated when it was written: checking every path and
        digest again cost more than everything else a 20,000-file commit or listing does per file.
        """
        entry = object.__new__(cls)
        object.__setattr__(entry, "path", path)
        object.__setattr__(entry, "size", size)
        object.__setattr__(entry, "mode", mode)
        object.__setattr__(entry, "digest", digest)
        object.__setattr__(entry, "chunks", chunks)
        return entry

    def to_canonical(self) -> str:
        """The entry as one line of compact, key-sorted JSON (no trailing newline).

        Built directly rather than through ``json.dumps(..., sort_keys=True)``, which is several
        times slower; the output is the same byte for byte (digests are checked ASCII and need no
        escaping, and the path is escaped by the same encoder).
        """
        chunks = ",".join([f'["{chunk.digest}",{chunk.size}]' for chunk in self.chunks])
        return (
            f'{{"chunks":[{chunks}],"digest":"{self.digest}","mode":{self.mode},'
            f'"path":{_encode_string(self.path)},"size":{self.size}}}'
        )

    @classmethod
    def from_canonical(cls, line: str | bytes) -> FileEntry:
        """Decode :meth:`to_canonical` output; raises ValueError for anything else."""
        text = line.decode("utf-8") if isinstance(line, bytes | bytearray) else line
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"file entry is not valid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(body, dict) or set(body) != _KEYS:
            raise ValueError(f"file entry must be an object with exactly the keys {sorted(_KEYS)}")
        if not isinstance(body["path"], str) or not isinstance(body["digest"], str):
            raise ValueError("file entry fields 'path' and 'digest' must be strings")
        if not isinstance(body["chunks"], list):
            raise ValueError("file entry field 'chunks' must be a list of [digest, size] pairs")
        chunks = []
        offset = 0
        for pair in body["chunks"]:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise ValueError("file entry field 'chunks' must be a list of [digest, size] pairs")
            size = _require_int(pair[1], "chunk size")
            chunks.append(ChunkRef(pair[0], offset, size))
            offset += size
        entry = cls(
            path=body["path"],
            size=_require_int(body["size"], "size"),
            mode=_require_int(body["mode"], "mode"),
            digest=body["digest"],
            chunks=chunks,
        )
        if entry.to_canonical() != text:
            raise ValueError(f"file entry for {entry.path!r} is not in canonical form")
        return entry
