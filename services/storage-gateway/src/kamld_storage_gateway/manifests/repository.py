"""Manifest objects in the object store, apart from chunks: ``manifests/roots/…`` and ``manifests/pages/…``.

Objects are stored zlib-compressed (file lists are about three quarters digests and JSON
syntax that compress well) but named by the digest of their canonical bytes, so a version's
digest does not depend on how it is stored; objects written uncompressed (they start with
``{``) are read as they are. Every read is verified against its digest after decompression,
so a corrupt object is reported, never served. Decoded roots and pages are immutable, so a
small in-process cache keeps repeated listings and diffs of the same version from re-reading
them.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from kamld_common.errors import KamldError, NotFound
from kamld_content.hashing import digest_bytes, object_key
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.manifests.format import (
    CorruptManifest,
    ManifestRoot,
    decode_lines,
    line_paths,
    page_lines,
)
from kamld_storage_gateway.objectstore.base import ObjectNotFound, ObjectStore

ROOT_PREFIX = "manifests/roots/"
PAGE_PREFIX = "manifests/pages/"
MANIFEST_PREFIX = "manifests/"
# What one store call reads of a listing's pages (a page is about 16 KB compressed).
_PAGES_READ_BYTES = 1 << 20

K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """Least recently used items: at most ``capacity``, and at most ``max_weight`` in total ``weight``."""

    def __init__(
        self, capacity: int, *, weight: Callable[[V], int] | None = None, max_weight: int | None = None
    ) -> None:
        self.capacity = capacity
        self._weight = weight or (lambda _: 1)
        self._max_weight = max_weight
        self._items: OrderedDict[K, V] = OrderedDict()
        self._total = 0

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        previous = self._items.pop(key, None)
        if previous is not None:
            self._total -= self._weight(previous)
        self._items[key] = value
        self._total += self._weight(value)
        while len(self._items) > 1 and (
            len(self._items) > self.capacity
            or (self._max_weight is not None and self._total > self._max_weight)
        ):
            _, evicted = self._items.popitem(last=False)
            self._total -= self._weight(evicted)


class CorruptObject(KamldError):
    status = 500
    code = "corrupt_object"
    title = "Stored object is corrupt"


def root_key(digest: str) -> str:
    return ROOT_PREFIX + object_key(digest)


def page_key(digest: str) -> str:
    return PAGE_PREFIX + object_key(digest)


_COMPRESSION_LEVEL = 6
_PLAIN_START = b"{"


def pack(canonical: bytes) -> bytes:
    """The stored form of a manifest object."""
    return zlib.compress(canonical, _COMPRESSION_LEVEL)


def _packed_pages(pages: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(page_key(digest), pack(data)) for digest, data in pages]


def unpack(stored: bytes) -> bytes:
    """The canonical bytes of a stored manifest object (compressed or, when older, plain)."""
    if not stored or stored.startswith(_PLAIN_START):
        return stored
    return zlib.decompress(stored)


class ManifestPage:
    """A verified page: its canonical lines, and their paths and entries, each decoded when first asked.

    A listing needs only the paths (to seek and filter) and the lines (which are already the JSON
    of a listed file); a diff or a mark needs the entries.
    """

    __slots__ = ("digest", "lines", "_paths", "_entries")

    def __init__(self, digest: str, data: bytes) -> None:
        self.digest = digest
        self.lines = self._decoded(page_lines, data)
        self._paths: list[str] | None = None
        self._entries: list[FileEntry] | None = None

    @property
    def paths(self) -> list[str]:
        if self._paths is None:
            if self._entries is not None:
                self._paths = [entry.path for entry in self._entries]
            else:
                self._paths = self._decoded(line_paths, self.lines)
        return self._paths

    @property
    def entries(self) -> list[FileEntry]:
        if self._entries is None:
            self._entries = self._decoded(decode_lines, self.lines)
        return self._entries

    def _decoded(self, decode: Callable[[Any], list], data: Any) -> list:
        try:
            return decode(data)
        except CorruptManifest as exc:
            raise CorruptObject(f"manifest page {self.digest} is corrupt: {exc}") from None


class ManifestRepository:
    """Reads and writes manifest roots and pages by digest."""

    def __init__(
        self,
        store: ObjectStore,
        *,
        cached_roots: int = 64,
        cached_pages: int = 128,
        cached_page_refs: int = 200_000,
    ) -> None:
        self.store = store
        # Roots of large versions hold many page references; the cache is bounded by those too.
        self._roots: _Lru[str, ManifestRoot] = _Lru(
            cached_roots, weight=lambda root: len(root.pages), max_weight=cached_page_refs
        )
        self._pages: _Lru[str, ManifestPage] = _Lru(cached_pages)

    async def put_pages(self, pages: Sequence[tuple[str, bytes]]) -> None:
        """Store pages given as ``(digest, canonical bytes)``, all at once.

        They are compressed on a worker thread (zlib lets go of the GIL), not on the event loop.
        """
        packed = await asyncio.to_thread(_packed_pages, pages)
        await self.store.put_many_if_absent(packed)

    async def put_root(self, digest: str, data: bytes) -> None:
        await self.store.put_if_absent(root_key(digest), pack(data))

    async def root_exists(self, digest: str) -> bool:
        return await self.store.stat(root_key(digest)) is not None

    async def get_root(self, digest: str) -> ManifestRoot:
        """The decoded root; :class:`NotFound` when no manifest has this digest."""
        cached = self._roots.get(digest)
        if cached is not None:
            return cached
        try:
            stored = await self.store.get(root_key(digest))
        except ObjectNotFound:
            raise NotFound(
                f"no manifest {digest}", code="manifest_not_found", extra={"digest": digest}
            ) from None
        data = self._verified(digest, stored, "manifest")
        try:
            root = ManifestRoot.decode(data)
        except CorruptManifest as exc:
            raise CorruptObject(f"manifest {digest} is corrupt: {exc}") from None
        self._roots.put(digest, root)
        return root

    async def get_page(self, digest: str) -> list[FileEntry]:
        """The entries of page ``digest``."""
        return (await self.get_pages([digest]))[0].entries

    async def get_pages(self, digests: Sequence[str]) -> list[ManifestPage]:
        """Pages ``digests`` in order; those not cached are read with as few store calls as fit.

        A listing walks pages of about seventy files each, and one store read per page (a thread
        hop and an index lookup apiece) cost more than decoding them.
        """
        pages: list[ManifestPage | None] = [self._pages.get(digest) for digest in digests]
        absent = [index for index, page in enumerate(pages) if page is None]
        while absent:
            keys = [page_key(digests[index]) for index in absent]
            try:
                stored = await self.store.get_many(keys, max_bytes=_PAGES_READ_BYTES)
            except ObjectNotFound as exc:
                missing = exc.args[0] if exc.args else keys[0]
                raise CorruptObject(f"manifest object {missing} is missing from the object store") from None
            for index, data in zip(absent, stored, strict=False):
                page = ManifestPage(digests[index], self._verified(digests[index], data, "manifest page"))
                self._pages.put(digests[index], page)
                pages[index] = page
            absent = absent[len(stored) :]
        return [page for page in pages if page is not None]  # every index was filled above

    @staticmethod
    def _verified(digest: str, stored: bytes, what: str) -> bytes:
        """The canonical bytes of ``stored``; :class:`CorruptObject` unless they hash to ``digest``."""
        try:
            data = unpack(stored)
        except zlib.error:
            raise CorruptObject(f"{what} {digest} does not decompress", extra={"digest": digest}) from None
        if digest_bytes(data) != digest:
            raise CorruptObject(f"{what} {digest} does not match its digest", extra={"digest": digest})
        return data
