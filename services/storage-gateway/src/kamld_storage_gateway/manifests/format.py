"""The stored form of a manifest: pages of canonical entry lines under one small root object.

A page is the canonical lines (:meth:`FileEntry.to_canonical`) of consecutive entries, each
ending in ``\\n``. Page boundaries are content-defined: a page ends after an entry whose path
hash hits a fixed pattern (about every 64 entries, never before 8), or when it reaches 256
entries or 1 MiB. Because boundaries depend on paths, not positions, adding one file changes
one page and every other page keeps its digest, which is what lets a diff skip them and a new
version store only the pages it changed. Pages are small because a version that changes 1% of
its files at random touches about half of its 64-entry pages but nearly every 1,024-entry page.

The root is one header line and one line per page, compact JSON::

    {"file_count":N,"format":"kamld-manifest/1","page_count":P,"total_bytes":B}
    ["first/path","last/path",entry_count,file_bytes,"blake3:<page digest>"]

The version digest is the BLAKE3 digest of the root, so it covers every page and every entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import blake3
import orjson

from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes, parse_digest
from kamld_content.manifest import FileEntry

FORMAT = "kamld-manifest/1"
PAGE_MIN_ENTRIES = 8
PAGE_MAX_ENTRIES = 256
PAGE_MAX_BYTES = 1 << 20
BOUNDARY_MASK = 63


class CorruptManifest(ValueError):
    """A stored manifest object does not decode as this format describes."""


@dataclass(frozen=True, slots=True)
class PageRef:
    """Where one page sits in the manifest: its path range, size and digest."""

    first_path: str
    last_path: str
    entry_count: int
    file_bytes: int
    digest: str

    def encode(self) -> str:
        return _compact([self.first_path, self.last_path, self.entry_count, self.file_bytes, self.digest])


@dataclass(frozen=True, slots=True)
class ManifestRoot:
    """The decoded root: totals and the ordered page references."""

    file_count: int
    total_bytes: int
    pages: list[PageRef]

    def encode(self) -> bytes:
        header = {
            "file_count": self.file_count,
            "format": FORMAT,
            "page_count": len(self.pages),
            "total_bytes": self.total_bytes,
        }
        lines = [_compact(header)] + [page.encode() for page in self.pages]
        return ("\n".join(lines) + "\n").encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> ManifestRoot:
        try:
            lines = data.decode("utf-8").split("\n")
            if lines[-1] != "":
                raise CorruptManifest("manifest root must end with a newline")
            header = json.loads(lines[0])
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CorruptManifest("not a manifest root")
            pages = []
            for line in lines[1:-1]:
                first, last, count, file_bytes, digest = json.loads(line)
                parse_digest(digest)
                pages.append(PageRef(first, last, int(count), int(file_bytes), digest))
            if len(pages) != header["page_count"]:
                raise CorruptManifest("manifest root page count does not match its pages")
            return cls(int(header["file_count"]), int(header["total_bytes"]), pages)
        except CorruptManifest:
            raise
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            raise CorruptManifest(f"manifest root does not decode: {type(exc).__name__}") from None


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def is_boundary(path: str) -> bool:
    """Whether a page may end after ``path`` (the content-defined part of the rule)."""
    head = blake3.blake3(path.encode("utf-8")).digest(length=4)
    return int.from_bytes(head, "little") & BOUNDARY_MASK == 0


def encode_page(entries: list[FileEntry]) -> bytes:
    return "".join(entry.to_canonical() + "\n" for entry in entries).encode("utf-8")


def page_lines(data: bytes) -> list[bytes]:
    """The canonical lines of a page, without their newlines."""
    if not data.endswith(b"\n"):
        raise CorruptManifest("manifest page must end with a newline")
    return data[:-1].split(b"\n")


def decode_lines(lines: list[bytes]) -> list[FileEntry]:
    """Entries of verified canonical lines.

    Every entry was validated when the page was written, and the digest proves these are those
    bytes, so entries are rebuilt without re-running validation (listing and diffing stay fast).
    """
    try:
        return [_trusted_entry(orjson.loads(line)) for line in lines]
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptManifest(f"manifest page does not decode: {exc}") from None


def line_paths(lines: list[bytes]) -> list[str]:
    """The path of each verified canonical line, without building its entry."""
    try:
        return [orjson.loads(line)["path"] for line in lines]
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptManifest(f"manifest page does not decode: {exc}") from None


def _trusted_entry(body: dict) -> FileEntry:
    chunks = []
    offset = 0
    for digest, size in body["chunks"]:
        chunks.append(ChunkRef(digest, offset, size))
        offset += size
    return FileEntry.trusted(body["path"], body["size"], body["mode"], body["digest"], chunks)


class PageCutter:
    """Groups a sorted stream of entries into pages by the boundary rule.

    It encodes each entry once; :attr:`page_data` holds the canonical bytes of the page the last
    :meth:`add` or :meth:`flush` returned (what :func:`encode_page` would make of it).
    """

    def __init__(self) -> None:
        self._entries: list[FileEntry] = []
        self._lines: list[str] = []
        self._bytes = 0
        self.page_data = b""

    def add(self, entry: FileEntry) -> list[FileEntry] | None:
        """Add the next entry; returns the finished page when this entry closes one."""
        line = entry.to_canonical() + "\n"
        self._entries.append(entry)
        self._lines.append(line)
        self._bytes += len(line) if line.isascii() else len(line.encode("utf-8"))
        count = len(self._entries)
        if (
            count >= PAGE_MAX_ENTRIES
            or self._bytes >= PAGE_MAX_BYTES
            or (count >= PAGE_MIN_ENTRIES and is_boundary(entry.path))
        ):
            return self.flush()
        return None

    def flush(self) -> list[FileEntry] | None:
        if not self._entries:
            return None
        page, lines = self._entries, self._lines
        self._entries, self._lines, self._bytes = [], [], 0
        self.page_data = "".join(lines).encode("utf-8")
        return page


def page_ref(entries: list[FileEntry], data: bytes) -> PageRef:
    return PageRef(
        first_path=entries[0].path,
        last_path=entries[-1].path,
        entry_count=len(entries),
        file_bytes=sum(entry.size for entry in entries),
        digest=digest_bytes(data),
    )
