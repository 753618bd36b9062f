"""Resolved versions this gateway process served in the last ``ttl_s`` seconds.

Serving ``GET /artifacts/{name}/versions/{ref}`` from memory costs the gateway a fraction of a
call to metadata-hub, which is what lets one small machine answer a fleet of readers polling
``model:production``. The price is bounded staleness, stated in the answer's ``Age`` header:

- a write through this gateway (push, alias move or delete, archive, update), in any of its
  worker processes, advances the artifact's shared write counter (:mod:`.epochs`); an entry is
  served only while the counter it was stored with is current, and an answer fetched while a
  write ran is not stored, so a client always reads its own writes through one gateway;
- a write through another replica of the gateway is seen within ``ttl_s``;
- ``Cache-Control: no-cache`` (what the CLI and SDK send) skips the cache and resolves exactly.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from kamld_workbench_api.epochs import WriteEpochs

DEFAULT_CAPACITY = 10_000


class VersionCache:
    def __init__(
        self,
        ttl_s: float,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
        epochs: WriteEpochs | None = None,
    ) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self.clock = clock
        self.epochs = epochs or WriteEpochs(None)
        self._entries: OrderedDict[tuple[str, str], tuple[float, int, bytes]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0 and self.capacity > 0

    def get(self, name: str, ref: str) -> tuple[bytes, float] | None:
        """The stored body and its age in seconds, unless absent or older than the TTL."""
        entry = self._entries.get((name, ref))
        if entry is None:
            return None
        fetched_at, epoch, body = entry
        age = self.clock() - fetched_at
        if age >= self.ttl_s or epoch != self.epochs.current(name):
            del self._entries[(name, ref)]
            return None
        return body, age

    def ticket(self, name: str) -> int:
        """Taken before fetching: :meth:`put` stores the answer only if no write came in between."""
        return self.epochs.current(name)

    def put(self, name: str, ref: str, body: bytes, ticket: int, fetched_at: float) -> None:
        if not self.enabled or self.epochs.current(name) != ticket:
            return
        self._entries[(name, ref)] = (fetched_at, ticket, body)
        self._entries.move_to_end((name, ref))
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, name: str) -> None:
        """A write to ``name`` went through this gateway: no worker may serve what it stored before
        (each entry is checked against the counter on use, and dropped then)."""
        self.epochs.advance(name)
