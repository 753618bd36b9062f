"""Building, listing and diffing manifests, one page at a time (never the whole file list at once)."""

from __future__ import annotations

import bisect
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from kamld_common.errors import Invalid
from kamld_content.hashing import digest_bytes
from kamld_content.manifest import FileEntry
from kamld_storage_gateway import background
from kamld_storage_gateway.manifests.format import ManifestRoot, PageCutter, PageRef, page_ref
from kamld_storage_gateway.manifests.repository import ManifestRepository

# Finished pages are written together once they hold this many bytes (or this many pages), one
# such write in flight while the next pages are built: at most about twice that waits in memory,
# and the root is written only after every page is stored. Not too small, because a write on a
# worker thread waits for the GIL at every step while the event loop parses, so many small
# writes each take several times longer than alone; not too large, because the commit waits at
# its end for the last write, whose compression is then left for the end.
PAGE_WRITE_BYTES = 1 << 20
PAGES_PER_WRITE = 1024
# The most pages a listing reads at once: each is about seventy files.
_PAGES_PER_READ = 64


@dataclass(frozen=True, slots=True)
class ManifestSummary:
    digest: str
    file_count: int
    total_bytes: int
    page_count: int


class ManifestWriter:
    """Writes a manifest from entries arriving in path order; pages first, the root last.

    Only the current page and up to ``PAGES_PER_WRITE`` finished ones are held in memory.
    Out-of-order or duplicate paths, and a path that is both a file and a directory (``a`` and
    ``a/b``), are refused with :class:`Invalid`.
    The root is written by :meth:`finish` only, so an interrupted build leaves no visible version.
    """

    def __init__(self, repository: ManifestRepository, *, field: str = "files") -> None:
        self.repository = repository
        self.field = field
        self._cutter = PageCutter()
        self._pages: list[PageRef] = []
        self._unwritten: list[tuple[str, bytes]] = []
        self._unwritten_bytes = 0
        self._writes = background.OneAtATime()
        self._last_path: str | None = None
        self._open_files: list[str] = []
        self.file_count = 0
        self.total_bytes = 0

    async def add(self, entry: FileEntry) -> None:
        path = entry.path
        if self._last_path is not None:
            if path == self._last_path:
                raise Invalid(
                    f"path {path!r} is listed twice", field=[self.field, path], code="duplicate_path"
                )
            if path < self._last_path:
                raise Invalid(
                    f"paths must come in sorted order: {path!r} after {self._last_path!r}",
                    field=[self.field, path],
                    code="unsorted_paths",
                )
        self._check_clash(path)
        self._last_path = path
        self.file_count += 1
        self.total_bytes += entry.size
        page = self._cutter.add(entry)
        if page is not None:
            await self._write_page(page, self._cutter.page_data)

    def _check_clash(self, path: str) -> None:
        # Files that may still be a directory of a later path form a stack whose ranges
        # [file + "/", file + "0") end in reverse order of arrival; drop those already passed.
        while self._open_files and path >= self._open_files[-1] + "0":
            self._open_files.pop()
        for candidate in self._open_files:
            if path.startswith(candidate + "/"):
                raise Invalid(
                    f"{candidate!r} is a file and also a directory of {path!r}",
                    field=[self.field, path],
                    code="file_directory_clash",
                )
        self._open_files.append(path)

    async def _write_page(self, entries: list[FileEntry], data: bytes) -> None:
        ref = page_ref(entries, data)
        self._unwritten.append((ref.digest, data))
        self._unwritten_bytes += len(data)
        self._pages.append(ref)
        if self._unwritten_bytes >= PAGE_WRITE_BYTES or len(self._unwritten) >= PAGES_PER_WRITE:
            await self._flush_pages()

    async def _flush_pages(self) -> None:
        """Start storing the finished pages; parsing goes on while they are compressed and written."""
        if self._unwritten:
            batch, self._unwritten, self._unwritten_bytes = self._unwritten, [], 0
            await self._writes.start(self.repository.put_pages(batch))

    async def finish(self) -> ManifestSummary:
        page = self._cutter.flush()
        if page is not None:
            await self._write_page(page, self._cutter.page_data)
        await self._flush_pages()
        await self._writes.wait()
        root = ManifestRoot(self.file_count, self.total_bytes, self._pages)
        data = root.encode()
        digest = digest_bytes(data)
        await self.repository.put_root(digest, data)
        return ManifestSummary(digest, self.file_count, self.total_bytes, len(self._pages))


def _first_page_after(pages: list[PageRef], key: str) -> int:
    """Index of the first page that may hold a path greater than ``key``."""
    return bisect.bisect_right([page.last_path for page in pages], key)


def _pages_holding(pages: list[PageRef], index: int, entries: int, prefix: str) -> list[PageRef]:
    """The pages from ``index`` on that hold at least ``entries`` entries (at most 64 pages),
    stopping before the first page that starts past the paths under ``prefix``."""
    end = index
    held = 0
    while (
        end < len(pages)
        and held < entries
        and end - index < _PAGES_PER_READ
        and not _past_prefix(pages[end].first_path, prefix)
    ):
        held += pages[end].entry_count
        end += 1
    return pages[index:end]


def _past_prefix(path: str, prefix: str) -> bool:
    """Whether ``path``, and every path sorted after it, lies beyond the paths starting with ``prefix``."""
    return path > prefix and not path.startswith(prefix)


@dataclass(frozen=True, slots=True)
class FilePage:
    """A page of a listing: the paths, and each file's canonical line (the JSON a listing returns)."""

    paths: list[str]
    lines: list[bytes]
    next: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two manifests; ``path`` orders the changes and is the cursor."""

    change: str
    path: str
    old: FileEntry | None
    new: FileEntry | None
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class DiffPage:
    changes: list[Change]
    next: str | None
    renames_detected: bool


class ManifestService:
    """Read side of manifests: summaries, paged listings, paged diffs."""

    def __init__(self, repository: ManifestRepository, *, rename_limit: int = 100_000) -> None:
        self.repository = repository
        self.rename_limit = rename_limit

    def writer(self, *, field: str = "files") -> ManifestWriter:
        return ManifestWriter(self.repository, field=field)

    async def summary(self, digest: str) -> ManifestSummary:
        root = await self.repository.get_root(digest)
        return ManifestSummary(digest, root.file_count, root.total_bytes, len(root.pages))

    async def list_files(
        self, digest: str, *, prefix: str = "", after: str | None = None, limit: int = 1000
    ) -> FilePage:
        """Entries with ``path > after`` starting with ``prefix``, seeking pages by their path range.

        The pages that can hold the answer are read together, as many as their entry counts say
        the page of ``limit`` entries needs, and the entries are returned as their canonical lines.
        """
        root = await self.repository.get_root(digest)
        start = after if after is not None and after >= prefix else None
        index = (
            _first_page_after(root.pages, start)
            if start is not None
            else bisect.bisect_left([page.last_path for page in root.pages], prefix)
        )
        paths: list[str] = []
        lines: list[bytes] = []
        while refs := _pages_holding(root.pages, index, limit + 1 - len(paths), prefix):
            index += len(refs)
            pages = await self.repository.get_pages([ref.digest for ref in refs])
            for page in pages:
                for path, line in zip(page.paths, page.lines, strict=True):
                    if (after is not None and path <= after) or path < prefix:
                        continue
                    if not path.startswith(prefix):
                        return FilePage(paths, lines, None)
                    paths.append(path)
                    lines.append(line)
                    if len(paths) > limit:
                        return FilePage(paths[:limit], lines[:limit], paths[limit - 1])
        return FilePage(paths, lines, None)

    async def get_file(self, digest: str, path: str) -> FileEntry | None:
        root = await self.repository.get_root(digest)
        index = bisect.bisect_left([page.last_path for page in root.pages], path)
        if index == len(root.pages) or root.pages[index].first_path > path:
            return None
        for entry in await self.repository.get_page(root.pages[index].digest):
            if entry.path == path:
                return entry
        return None

    async def iter_entries(self, digest: str) -> AsyncIterator[FileEntry]:
        """Every entry of a committed manifest in path order, its pages read several at a time."""
        root = await self.repository.get_root(digest)
        for start in range(0, len(root.pages), _PAGES_PER_READ):
            refs = root.pages[start : start + _PAGES_PER_READ]
            for page in await self.repository.get_pages([ref.digest for ref in refs]):
                for entry in page.entries:
                    yield entry

    async def iter_lines(self, digest: str) -> AsyncIterator[tuple[str, bytes]]:
        """Every file of a committed manifest in path order as its path and canonical line
        (verified bytes, not decoded into entries), its pages read several at a time."""
        root = await self.repository.get_root(digest)
        for start in range(0, len(root.pages), _PAGES_PER_READ):
            refs = root.pages[start : start + _PAGES_PER_READ]
            for page in await self.repository.get_pages([ref.digest for ref in refs]):
                for item in zip(page.paths, page.lines, strict=True):
                    yield item

    async def diff(self, old: str, new: str, *, after: str | None = None, limit: int = 1000) -> DiffPage:
        """Changes from ``old`` to ``new`` with ``path > after``, in path order.

        A removed path and an added path with the same file digest are reported as one
        ``renamed`` change (at the new path), when the diff adds and removes at most
        ``rename_limit`` files; beyond that, renames are not looked for.
        """
        old_root, new_root = await self.repository.get_root(old), await self.repository.get_root(new)
        renamed_from, paired_removed, detected = await self._pair_renames(old_root, new_root)
        changes: list[Change] = []
        async for change in self._walk(old_root, new_root, after):
            if change.change == "removed" and change.path in paired_removed:
                continue
            if change.change == "added" and change.path in renamed_from:
                old_entry = renamed_from[change.path]
                change = Change("renamed", change.path, old_entry, change.new, old_entry.path)
            changes.append(change)
            if len(changes) > limit:
                return DiffPage(changes[:limit], changes[limit - 1].path, detected)
        return DiffPage(changes, None, detected)

    async def _pair_renames(
        self, old_root: ManifestRoot, new_root: ManifestRoot
    ) -> tuple[dict[str, FileEntry], set[str], bool]:
        removed: dict[str, list[FileEntry]] = defaultdict(list)
        added: dict[str, list[str]] = defaultdict(list)
        seen = 0
        async for change in self._walk(old_root, new_root, None):
            if change.change == "removed" and change.old is not None:
                removed[change.old.digest].append(change.old)
            elif change.change == "added" and change.new is not None:
                added[change.new.digest].append(change.new.path)
            else:
                continue
            seen += 1
            if seen > self.rename_limit:
                return {}, set(), False
        renamed_from: dict[str, FileEntry] = {}
        paired_removed: set[str] = set()
        for digest, new_paths in added.items():
            for old_entry, new_path in zip(removed.get(digest, ()), new_paths, strict=False):
                renamed_from[new_path] = old_entry
                paired_removed.add(old_entry.path)
        return renamed_from, paired_removed, True

    async def _walk(
        self, old_root: ManifestRoot, new_root: ManifestRoot, after: str | None
    ) -> AsyncIterator[Change]:
        """Merge both manifests in path order, skipping pairs of pages with equal digests."""
        old_side = _Side(self.repository, old_root.pages, after)
        new_side = _Side(self.repository, new_root.pages, after)
        await old_side.start()
        await new_side.start()
        while True:
            if (
                old_side.at_page_start
                and new_side.at_page_start
                and old_side.next_digest == new_side.next_digest
            ):
                if old_side.next_digest is None:
                    return
                old_side.skip_page()
                new_side.skip_page()
                continue
            old_head, new_head = old_side.head(), new_side.head()
            if old_head is None and new_head is None:
                return
            if new_head is None or (old_head is not None and old_head < new_head):
                if await old_side.ensure_loaded():
                    entry = old_side.pop()
                    yield Change("removed", entry.path, entry, None)
            elif old_head is None or new_head < old_head:
                if await new_side.ensure_loaded():
                    entry = new_side.pop()
                    yield Change("added", entry.path, None, entry)
            else:
                if await old_side.ensure_loaded() and await new_side.ensure_loaded():
                    old_entry, new_entry = old_side.pop(), new_side.pop()
                    if old_entry.digest != new_entry.digest or old_entry.mode != new_entry.mode:
                        yield Change("modified", new_entry.path, old_entry, new_entry)


class _Side:
    """One manifest being walked: pages not yet read are known only by their path range."""

    def __init__(self, repository: ManifestRepository, pages: list[PageRef], after: str | None) -> None:
        self.repository = repository
        self.pages = pages
        self.after = after
        self.index = _first_page_after(pages, after) if after is not None else 0
        self.buffer: deque[FileEntry] = deque()

    async def start(self) -> None:
        # The page that straddles the cursor is read at once, so its head is a real path > after.
        if (
            self.after is not None
            and self.index < len(self.pages)
            and self.pages[self.index].first_path <= self.after
        ):
            await self._load()

    @property
    def at_page_start(self) -> bool:
        return not self.buffer

    @property
    def next_digest(self) -> str | None:
        return self.pages[self.index].digest if self.index < len(self.pages) else None

    def skip_page(self) -> None:
        self.index += 1

    def head(self) -> str | None:
        if self.buffer:
            return self.buffer[0].path
        if self.index < len(self.pages):
            return self.pages[self.index].first_path
        return None

    async def ensure_loaded(self) -> bool:
        """Read the next page when the buffer is empty; False when that left nothing to pop yet."""
        if self.buffer:
            return True
        await self._load()
        return bool(self.buffer)

    async def _load(self) -> None:
        page = self.pages[self.index]
        self.index += 1
        entries = await self.repository.get_page(page.digest)
        if self.after is not None and page.first_path <= self.after:
            self.buffer.extend(entry for entry in entries if entry.path > self.after)
        else:
            self.buffer.extend(entries)

    def pop(self) -> FileEntry:
        return self.buffer.popleft()
