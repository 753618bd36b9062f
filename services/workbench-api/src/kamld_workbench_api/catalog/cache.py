"""Resolved versions this gateway process served in the last ``ttl_s`` seconds.

Serving ``GET /artifacts/{name}/versions/{ref}`` from memory costs the gateway a fraction of a
call to metadata-hub, which is what lets one small machine answer a fleet of readers polling
``model:production``. The price is bounded staleness, stated in the answer's ``Age`` header:

- a write through this process (push, alias move or delete, archive, update) drops the
  artifact's entries at once, and an answer fetched while such a write ran is not stored, so a
  client writing and reading through one process always reads its write;
- a write through another process or replica is seen within ``ttl_s``;
- ``Cache-Control: no-cache`` (what the CLI and SDK send) skips the cache and resolves exactly.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_CAPACITY = 10_000


class VersionCache:
    def __init__(
        self, ttl_s: float, capacity: int = DEFAULT_CAPACITY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self.clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._writes: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0 and self.capacity > 0

    def get(self, name: str, ref: str) -> tuple[bytes, float] | None:
        """The stored body and its age in seconds, unless absent or older than the TTL."""
        entry = self._entries.get((name, ref))
        if entry is None:
            return None
        age = self.clock() - entry[0]
        if age >= self.ttl_s:
            del self._entries[(name, ref)]
            return None
        return entry[1], age

    def ticket(self, name: str) -> int:
        """Taken before fetching: :meth:`put` stores the answer only if no write came in between."""
        return self._writes.get(name, 0)

    def put(self, name: str, ref: str, body: bytes, ticket: int, fetched_at: float) -> None:
        if not self.enabled or self._writes.get(name, 0) != ticket:
            return
        self._entries[(name, ref)] = (fetched_at, body)
        self._entries.move_to_end((name, ref))
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, name: str) -> None:
        """A write to ``name`` went through this process: drop what is stored about it."""
        self._writes[name] = self._writes.get(name, 0) + 1
        for key in [key for key in self._entries if key[0] == name]:
            del self._entries[key]
