"""A pulled or pushed directory as a working copy: what it holds, and what changed in it since.

``push`` and ``pull`` record in ``DIR/.kamld/state.json`` which version the directory holds and,
per file, what was written or read: size, mtime (ns), mode, content digest and chunk list. A
file whose size and mtime still match is trusted without being read again; any other file is
hashed and compared, like git's index. The state is replaced atomically (a temporary file
renamed over it). A pull records the version it is about to write as ``pending`` before it
writes anything, so that after an interruption the files it already wrote are recognised as its
own, not taken for local edits.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _quoted
from pathlib import Path
from typing import Any, Literal

from kamld.transfer.scanning import STATE_DIR, walk_with_stats
from kamld.transfer.writing import TEMP_PREFIX
from kamld_content.chunking import ChunkRef
from kamld_content.direct import unique_name
from kamld_content.hashing import digest_file
from kamld_content.manifest import FileEntry

log = logging.getLogger("kamld")

STATE_FILE = "state.json"
STATE_FORMAT = 1


@dataclass(slots=True)
class TrackedFile:
    """A file as the last push or pull left it; ``chunks`` as ``[digest, size]`` pairs, as stored."""

    size: int
    mtime_ns: int
    mode: int
    digest: str
    chunks: list[list[Any]]

    def unchanged(self, stat: os.stat_result) -> bool:
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns

    def chunk_refs(self) -> list[ChunkRef]:
        refs, offset = [], 0
        for digest, size in self.chunks:
            refs.append(ChunkRef(digest, offset, size))
            offset += size
        return refs

    def entry(self, path: str) -> FileEntry:
        return FileEntry.trusted(path, self.size, self.mode, self.digest, self.chunk_refs())

    @classmethod
    def of(cls, entry: FileEntry, stat: os.stat_result) -> TrackedFile:
        chunks = [[ref.digest, ref.size] for ref in entry.chunks]
        return cls(entry.size, stat.st_mtime_ns, entry.mode, entry.digest, chunks)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a working copy's files came from: a manifest, and the version and folder it was read as."""

    digest: str
    artifact: str | None = None
    version: str | None = None
    path: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "artifact": self.artifact, "version": self.version, "path": self.path}

    @classmethod
    def from_json(cls, value: Any) -> Source | None:
        if not isinstance(value, dict) or not isinstance(value.get("digest"), str):
            return None
        return cls(value["digest"], value.get("artifact"), value.get("version"), value.get("path") or "")

    @property
    def label(self) -> str:
        if self.artifact and self.version:
            return f"{self.artifact}:{self.version}" + (f"/{self.path}" if self.path else "")
        return self.digest[:19]


@dataclass
class WorkingCopy:
    """The state of one directory. ``complete``: its tracked files are exactly ``source``'s."""

    root: Path
    source: Source | None = None
    complete: bool = False
    files: dict[str, TrackedFile] = field(default_factory=dict)
    pending: Source | None = None

    @property
    def state_path(self) -> Path:
        return self.root / STATE_DIR / STATE_FILE

    @classmethod
    def load(cls, root: Path) -> WorkingCopy:
        """The recorded state of ``root``; an empty one where none was recorded or it cannot be read.

        An unreadable state only makes every file untracked, which a pull treats with the most care.
        """
        copy = cls(root)
        try:
            raw = json.loads(copy.state_path.read_bytes())
        except FileNotFoundError:
            return copy
        except (OSError, ValueError) as exc:
            log.warning("ignoring the unreadable working-copy state %s: %s", copy.state_path, exc)
            return copy
        if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT:
            log.warning("ignoring the working-copy state %s: unknown format", copy.state_path)
            return copy
        copy.source = Source.from_json(raw.get("source"))
        copy.pending = Source.from_json(raw.get("pending"))
        copy.complete = bool(raw.get("complete")) and copy.source is not None
        try:
            for path, (size, mtime_ns, mode, digest, chunks) in raw.get("files", {}).items():
                copy.files[path] = TrackedFile(size, mtime_ns, mode, digest, chunks)
        except (TypeError, ValueError) as exc:
            log.warning("ignoring the damaged working-copy state %s: %s", copy.state_path, exc)
            return cls(root)
        return copy

    def save(self) -> None:
        """Replace the state file atomically: a reader sees the old state or the new, whole."""
        files = {
            path: [f.size, f.mtime_ns, f.mode, f.digest, f.chunks] for path, f in sorted(self.files.items())
        }
        self._write(json.dumps(files, separators=(",", ":")))

    def _write(self, files_json: str) -> None:
        """Write the state with ``files_json`` as its ``files`` object, under a temporary name
        renamed over the state file."""
        folder = self.root / STATE_DIR
        folder.mkdir(exist_ok=True)
        head = {
            "format": STATE_FORMAT,
            "source": self.source.to_json() if self.source else None,
            "complete": self.complete,
            "pending": self.pending.to_json() if self.pending else None,
        }
        body = json.dumps(head, separators=(",", ":"))[:-1] + ',"files":' + files_json + "}"
        temp = folder / unique_name(TEMP_PREFIX)
        try:
            temp.write_text(body)
            os.replace(temp, self.state_path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def track(self, entries: Iterable[FileEntry], stats: dict[str, os.stat_result]) -> None:
        for entry in entries:
            self.files[entry.path] = TrackedFile.of(entry, stats[entry.path])


@dataclass
class LocalFile:
    """A file found in a working copy, compared with what the state recorded for it.

    ``recorded`` is the state's (or the pending pull's) record of it when the file still holds
    exactly that content, else None: the file is then ``modified`` (tracked) or untracked.
    """

    path: str
    source: str
    stat: os.stat_result
    tracked: TrackedFile | None
    recorded: TrackedFile | None = None
    _digest: str | None = None

    @property
    def modified(self) -> bool:
        return self.tracked is not None and self.recorded is None

    @property
    def untracked(self) -> bool:
        return self.tracked is None and self.recorded is None

    def digest(self) -> str:
        """The file's content digest: from the record while it matches, else read and hashed once."""
        if self.recorded is not None:
            return self.recorded.digest
        if self._digest is None:
            self._digest = digest_file(self.source)
        return self._digest

    def holds(self, entry: FileEntry) -> bool:
        """Whether the file's content is ``entry``'s (hashing it only when the sizes agree)."""
        if self.stat.st_size != entry.size:
            return False
        return self.digest() == entry.digest


def survey(copy: WorkingCopy, pending: dict[str, FileEntry] | None = None) -> dict[str, LocalFile]:
    """Every file of the working copy, each compared with its record.

    A file whose size and mtime match the state is trusted unread. Another file the state or the
    ``pending`` pull's entries know is hashed: the same content as recorded is unchanged (a touched
    file, or one an interrupted pull already wrote); anything else is a local change.
    """
    found: dict[str, LocalFile] = {}
    for (path, source, _mode, _size), stat in walk_with_stats(copy.root):
        tracked = copy.files.get(path)
        local = LocalFile(path, source, stat, tracked)
        if tracked is not None and tracked.unchanged(stat):
            local.recorded = tracked
        else:
            expected = pending.get(path) if pending else None
            candidates = [t for t in (tracked,) if t is not None and t.size == stat.st_size]
            if expected is not None and expected.size == stat.st_size:
                candidates.append(TrackedFile.of(expected, stat))
            for candidate in candidates:
                if local.digest() == candidate.digest:
                    local.recorded = TrackedFile(
                        candidate.size, stat.st_mtime_ns, candidate.mode, candidate.digest, candidate.chunks
                    )
                    break
        found[path] = local
    return found


def record_push(directory: str | os.PathLike[str], files: Iterable[Any], source: Source) -> None:
    """Record a pushed directory as holding ``source``: its files as the push read them.

    ``files`` are the push's scanned files (path, chunks, mtime at the walk); a file changed
    after it was listed has a newer mtime, so it is hashed again the next time, never trusted.
    The state is written straight from them: building a record object and a list per file
    first, then encoding those, cost more than the rest of a 20,000-file push's last step.
    """
    copy = WorkingCopy(Path(directory), source=source, complete=True)
    copy._write(_scanned_files_json(sorted(files, key=lambda item: item.path)))


def _scanned_files_json(files: Iterable[Any]) -> str:
    """The state's ``files`` object for scanned files, in the order given (sorted by path).

    The same text :meth:`WorkingCopy.save` writes. Only the paths need escaping: sizes, times and
    modes are integers and the digests the scan's own ``blake3:<hex>``.
    """
    parts = []
    for item in files:
        found = item.chunks
        chunks = ",".join([f'["{ref.digest}",{ref.size:d}]' for ref in found.chunks])
        parts.append(
            f'{_quoted(item.path)}:[{found.size:d},{item.mtime_ns:d},{item.mode:d},"{found.file_digest}",[{chunks}]]'
        )
    return "{" + ",".join(parts) + "}"


@dataclass(frozen=True, slots=True)
class LocalChange:
    """A difference between a version's files and a directory's: ``added`` in the directory,
    ``removed`` from it, or ``modified`` (other content)."""

    change: Literal["added", "removed", "modified"]
    path: str
    version_file: FileEntry | None
    local_size: int | None
    local_digest: str | None


def compare(root: Path, entries: Iterable[FileEntry]) -> list[LocalChange]:
    """How the directory ``root`` differs from ``entries`` (a version's files), in path order.

    Files whose size and mtime match the recorded state are not read; others are hashed only when
    their size equals the version's file.
    """
    local = survey(WorkingCopy.load(root))
    changes: list[LocalChange] = []
    for entry in entries:
        found = local.pop(entry.path, None)
        if found is None:
            changes.append(LocalChange("removed", entry.path, entry, None, None))
        elif not found.holds(entry):
            digest = found.digest() if found.stat.st_size == entry.size else None
            changes.append(LocalChange("modified", entry.path, entry, found.stat.st_size, digest))
    for path, found in local.items():
        changes.append(LocalChange("added", path, None, found.stat.st_size, None))
    return sorted(changes, key=lambda change: change.path)
