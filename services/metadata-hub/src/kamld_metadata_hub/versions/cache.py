"""Rendered views of artifacts kept in memory, each checked against its artifact's generation on use.

Resolving ``name:ref`` is the catalog's hottest read (every pull, `show` and file read starts
with it) and its full answer takes several queries and a pydantic render. A cached answer costs one
indexed read of ``(artifacts.id, artifacts.generation)``: every write to an artifact advances its
generation in the same transaction, so an entry whose stamp still matches is exactly what the
full resolution would return now, on any number of replicas sharing the database.

The same holds for every other view of one artifact built only from that artifact's rows: its
``GET /artifacts/{name}`` view and the pages of its version log are kept here too, under keys of
their own (a tuple, which no REF is).

The stamp must be read *before* the view it is stored with is computed: the view is then at least
as new as the stamp, and a newer write has advanced the generation past it, so a stale view can
never be served under a current stamp.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from prometheus_client import Counter

from kamld_metadata_hub.versions.stamps import Stamp, StampReader

DEFAULT_CAPACITY = 10_000

LOOKUPS = Counter(
    "kamld_metadata_resolution_cache_lookups",
    "Version resolutions answered from the in-memory cache (hit) or by the full query (miss)",
    ["result"],
)


class ResolutionCache:
    """A bounded LRU map of ``(artifact name, ref)`` to the JSON body of the resolved version (and
    of ``(artifact name, view key)`` to other views of the artifact), with the reader of the stamps
    that validate its entries."""

    def __init__(self, stamps: StampReader, capacity: int = DEFAULT_CAPACITY) -> None:
        self.stamps = stamps
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, Hashable], tuple[Stamp, bytes]] = OrderedDict()

    async def rendered(self, name: str, key: Hashable, render: Callable[[], Awaitable[bytes]]) -> bytes:
        """The body ``render`` makes for ``(name, key)``, from memory while the artifact's stamp is
        unchanged; the stamp is read before rendering, so an entry is never newer than its stamp."""
        stamp = await self.stamps.read(name)
        if stamp is not None and (body := self.get(name, key, stamp)) is not None:
            return body
        body = await render()
        if stamp is not None:
            self.put(name, key, stamp, body)
        return body

    def get(self, name: str, ref: Hashable, stamp: Stamp) -> bytes | None:
        key = (name, ref)
        entry = self._entries.get(key)
        if entry is None or entry[0] != stamp:
            LOOKUPS.labels("miss").inc()
            return None
        self._entries.move_to_end(key)
        LOOKUPS.labels("hit").inc()
        return entry[1]

    def put(self, name: str, ref: Hashable, stamp: Stamp, body: bytes) -> None:
        if self.capacity <= 0:
            return
        key = (name, ref)
        self._entries[key] = (stamp, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
