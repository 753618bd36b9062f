"""Rendered pages of file listings, kept by manifest digest.

A manifest never changes once committed (its digest is the hash of its content), so a page of its
listing, named by the digest and the query (``prefix``, ``after``, ``limit``), is the same bytes
forever: an entry is never stale and needs no invalidation. Which manifest a reference names can
change (a push, an alias move), so the reference is still resolved exactly on every request; only
the page, the costly part (fetched from storage-gateway, checked and rendered), comes from here.

Entries are evicted least recently used first once their bodies exceed ``capacity_bytes``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

DEFAULT_CAPACITY_BYTES = 64 * 1024 * 1024


class ListingCache:
    def __init__(self, capacity_bytes: int = DEFAULT_CAPACITY_BYTES) -> None:
        self.capacity_bytes = capacity_bytes
        self.size_bytes = 0
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.capacity_bytes:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.size_bytes -= len(previous)
        self._entries[key] = body
        self.size_bytes += len(body)
        while self.size_bytes > self.capacity_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size_bytes -= len(evicted)

    def __len__(self) -> int:
        return len(self._entries)
