"""The gateway's short-lived version cache: expiry, invalidation by writes, and the race between
a read in flight and a write."""

from __future__ import annotations

from kamld_workbench_api.catalog.cache import VersionCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_served_with_its_age_until_the_ttl_passes():
    clock = Clock()
    cache = VersionCache(ttl_s=1.0, clock=clock)
    cache.put("faces", "latest", b"v1", cache.ticket("faces"), clock())
    clock.now += 0.4
    assert cache.get("faces", "latest") == (b"v1", 0.4000000000000057)
    clock.now += 0.6
    assert cache.get("faces", "latest") is None


def test_a_write_forgets_every_ref_of_that_artifact_only():
    clock = Clock()
    cache = VersionCache(ttl_s=5.0, clock=clock)
    for name, ref in [("faces", "latest"), ("faces", "v1"), ("cars", "latest")]:
        cache.put(name, ref, f"{name}:{ref}".encode(), cache.ticket(name), clock())
    cache.forget("faces")
    assert cache.get("faces", "latest") is None
    assert cache.get("faces", "v1") is None
    assert cache.get("cars", "latest") == (b"cars:latest", 0.0)


def test_an_answer_fetched_while_a_write_ran_is_not_stored():
    clock = Clock()
    cache = VersionCache(ttl_s=5.0, clock=clock)
    ticket = cache.ticket("faces")
    cache.forget("faces")
    cache.put("faces", "latest", b"old", ticket, clock())
    assert cache.get("faces", "latest") is None


def test_ttl_zero_stores_nothing_and_capacity_is_bounded():
    clock = Clock()
    off = VersionCache(ttl_s=0, clock=clock)
    off.put("faces", "latest", b"v1", off.ticket("faces"), clock())
    assert off.get("faces", "latest") is None
    small = VersionCache(ttl_s=5.0, capacity=2, clock=clock)
    for ref in ("v1", "v2", "v3"):
        small.put("faces", ref, ref.encode(), small.ticket("faces"), clock())
    assert small.get("faces", "v1") is None
    assert small.get("faces", "v3") == (b"v3", 0.0)
