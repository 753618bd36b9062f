"""Pages of file listings kept by manifest digest: bounded by bytes, and every page (prefix,
cursor, size) answered as storage-gateway lists it, without the chunks."""

from __future__ import annotations

import secrets

from kamld_workbench_api.catalog.listings import ListingCache


def test_pages_are_evicted_least_recently_used_first_once_over_capacity():
    cache = ListingCache(capacity_bytes=10)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"
    cache.put("c", b"cccc")
    assert cache.get("b") is None
    assert cache.get("a") == b"aaaa"
    assert cache.get("c") == b"cccc"
    assert cache.size_bytes == 8


def test_a_page_larger_than_the_whole_cache_is_not_kept_and_zero_keeps_nothing():
    cache = ListingCache(capacity_bytes=3)
    cache.put("a", b"abcd")
    assert cache.get("a") is None
    assert len(cache) == 0
    off = ListingCache(capacity_bytes=0)
    off.put("a", b"x")
    assert off.get("a") is None


def test_storing_a_key_again_replaces_it_and_counts_it_once():
    cache = ListingCache(capacity_bytes=10)
    cache.put("a", b"aaaa")
    cache.put("a", b"aa")
    assert cache.get("a") == b"aa"
    assert cache.size_bytes == 2


def test_every_page_matches_storage_gateways_listing(gateway, tokens, push):
    name = f"pages-{secrets.token_hex(4)}"
    files = {
        f"{folder}/f{number}.txt": f"{folder}{number}".encode() for folder in "abc" for number in range(4)
    }
    with gateway.client(tokens["editor"]) as client:
        digest = push(client, name, files, kind="dataset")["digest"]
        queries = [
            {},
            {"limit": 5},
            {"limit": 5, "after": "a/f3.txt"},
            {"prefix": "b/"},
            {"prefix": "b/", "limit": 2},
        ]
        for _ in range(2):
            for query in queries:
                public = client.get(f"/api/v1/artifacts/{name}/versions/v1/files", params=query)
                public.raise_for_status()
                manifest = client.get(f"/api/v1/manifests/{digest}/files", params=query).json()
                expected = [{k: e[k] for k in ("path", "size", "mode", "digest")} for e in manifest["items"]]
                assert public.json() == {"items": expected, "next": manifest["next"]}, query
                assert public.headers["content-type"] == "application/json"
        assert client.get(f"/api/v1/artifacts/{name}/versions/v9/files").status_code == 404
        assert client.get(f"/api/v1/artifacts/{name}/versions/v1/files", params={"after": "zzz"}).json() == {
            "items": [],
            "next": None,
        }
