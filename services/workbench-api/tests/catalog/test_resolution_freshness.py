"""How fresh a resolution through the gateway is: writes through the gateway are seen at once,
``Cache-Control: no-cache`` is always exact, and a write the gateway did not see (another replica)
is seen within the cache's TTL."""

from __future__ import annotations

import secrets
import time

NO_CACHE = {"Cache-Control": "no-cache"}


def resolve(client, name: str, ref: str, headers: dict[str, str] | None = None) -> dict:
    answer = client.get(f"/api/v1/artifacts/{name}/versions/{ref}", headers=headers or {})
    answer.raise_for_status()
    return answer.json()


def test_writes_through_the_gateway_are_resolved_at_once(gateway, tokens, push):
    name = f"fresh-{secrets.token_hex(4)}"
    with gateway.client(tokens["editor"]) as client:
        push(client, name, {"a.txt": b"one"}, kind="dataset")
        answer = client.get(f"/api/v1/artifacts/{name}/versions/latest")
        assert answer.json()["number"] == 1
        assert answer.headers["cache-control"] == "private, max-age=1"
        assert int(answer.headers["age"]) <= 1
        push(client, name, {"a.txt": b"two"})
        assert resolve(client, name, "latest")["number"] == 2
        assert resolve(client, name, "v1")["aliases"] == []
        client.put(f"/api/v1/artifacts/{name}/aliases/prod", json={"version": "v1"}).raise_for_status()
        assert resolve(client, name, "prod")["number"] == 1
        client.put(f"/api/v1/artifacts/{name}/aliases/prod", json={"version": "v2"}).raise_for_status()
        assert resolve(client, name, "prod")["number"] == 2
        client.delete(f"/api/v1/artifacts/{name}/aliases/prod").raise_for_status()
        assert client.get(f"/api/v1/artifacts/{name}/versions/prod").status_code == 404


def test_a_write_the_gateway_did_not_see_is_exact_with_no_cache_and_seen_within_the_ttl(
    gateway, tokens, push
):
    name = f"replica-{secrets.token_hex(4)}"
    metadata_hub = gateway.services["metadata-hub"]
    with gateway.client(tokens["editor"]) as client, metadata_hub.client() as other_replica:
        push(client, name, {"a.txt": b"one"}, kind="dataset")
        push(client, name, {"a.txt": b"two"})
        client.put(f"/api/v1/artifacts/{name}/aliases/prod", json={"version": "v1"}).raise_for_status()
        assert resolve(client, name, "prod")["number"] == 1
        moved = other_replica.put(f"/artifacts/{name}/aliases/prod", json={"version": "v2"})
        moved.raise_for_status()
        assert resolve(client, name, "prod", NO_CACHE)["number"] == 2
        deadline = time.monotonic() + 1.5
        while resolve(client, name, "prod")["number"] != 2:
            assert time.monotonic() < deadline, "the gateway served a stale alias past its TTL"
            time.sleep(0.05)
