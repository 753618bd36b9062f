"""Manifest objects in the object store, apart from chunks: ``manifests/roots/…`` and ``manifests/pages/…``.

Every read is verified against its digest, so a corrupt object is reported, never served.
Decoded roots and pages are immutable, so a small in-process cache keeps repeated listings
and diffs of the same version from re-reading them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from kamld_common.errors import KamldError, NotFound
from kamld_content.hashing import digest_bytes, object_key
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.manifests.format import CorruptManifest, ManifestRoot, decode_page
from kamld_storage_gateway.objectstore.base import ObjectNotFound, ObjectStore

ROOT_PREFIX = "manifests/roots/"
PAGE_PREFIX = "manifests/pages/"
MANIFEST_PREFIX = "manifests/"

K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class CorruptObject(KamldError):
    status = 500
    code = "corrupt_object"
    title = "Stored object is corrupt"


def root_key(digest: str) -> str:
    return ROOT_PREFIX + object_key(digest)


def page_key(digest: str) -> str:
    return PAGE_PREFIX + object_key(digest)


class ManifestRepository:
    """Reads and writes manifest roots and pages by digest."""

    def __init__(self, store: ObjectStore, *, cached_roots: int = 64, cached_pages: int = 32) -> None:
        self.store = store
        self._roots: _Lru[str, ManifestRoot] = _Lru(cached_roots)
        self._pages: _Lru[str, list[FileEntry]] = _Lru(cached_pages)

    async def put_page(self, digest: str, data: bytes) -> None:
        await self.store.put_if_absent(page_key(digest), data)

    async def put_root(self, digest: str, data: bytes) -> None:
        await self.store.put_if_absent(root_key(digest), data)

    async def root_exists(self, digest: str) -> bool:
        return await self.store.stat(root_key(digest)) is not None

    async def get_root(self, digest: str) -> ManifestRoot:
        """The decoded root; :class:`NotFound` when no manifest has this digest."""
        cached = self._roots.get(digest)
        if cached is not None:
            return cached
        try:
            data = await self.store.get(root_key(digest))
        except ObjectNotFound:
            raise NotFound(
                f"no manifest {digest}", code="manifest_not_found", extra={"digest": digest}
            ) from None
        self._verify(digest, data, "manifest")
        try:
            root = ManifestRoot.decode(data)
        except CorruptManifest as exc:
            raise CorruptObject(f"manifest {digest} is corrupt: {exc}") from None
        self._roots.put(digest, root)
        return root

    async def get_page(self, digest: str) -> list[FileEntry]:
        cached = self._pages.get(digest)
        if cached is not None:
            return cached
        try:
            data = await self.store.get(page_key(digest))
        except ObjectNotFound:
            raise CorruptObject(f"manifest page {digest} is missing from the object store") from None
        self._verify(digest, data, "manifest page")
        try:
            entries = decode_page(data)
        except CorruptManifest as exc:
            raise CorruptObject(f"manifest page {digest} is corrupt: {exc}") from None
        self._pages.put(digest, entries)
        return entries

    @staticmethod
    def _verify(digest: str, data: bytes, what: str) -> None:
        if digest_bytes(data) != digest:
            raise CorruptObject(f"{what} {digest} does not match its digest", extra={"digest": digest})
