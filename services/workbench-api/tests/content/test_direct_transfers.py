"""The SDK's pushes and pulls through a real gateway: chunk bytes (and a push's questions about
missing chunks) go straight to storage-gateway on a grant when the gateway offers one, and through
the gateway when it does not; an expired grant is renewed during a transfer.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kamld.bulk import ChunkChannel
from kamld.errors import KamldClientError
from kamld.transfer import STATE_DIR, pull_manifest, push_directory
from kamld_common.grants import GRANT_HEADER, sign_grant
from kamld_testing.processes import env_prefix, requests_served, stop_services

from ..conftest import start_services

CHUNK_ROUTES = ("/uploads/{upload_id}/missing", "/uploads/{upload_id}/chunks", "/chunks/read")


def counts(gateway) -> dict[str, float]:
    storage = gateway.services["storage-gateway"].url
    admin = {"Authorization": f"Bearer {gateway.admin_token}"}
    return {
        **{
            f"gateway {route}": requests_served(gateway.url, "/api/v1" + route, headers=admin)
            for route in CHUNK_ROUTES
        },
        **{f"storage {route}": requests_served(storage, route) for route in CHUNK_ROUTES},
    }


def make_tree(root: Path) -> dict[str, bytes]:
    rng = random.Random(21)
    files = {f"small/{index:03}.bin": rng.randbytes(rng.randint(1, 5000)) for index in range(40)}
    files["large.bin"] = rng.randbytes(5 << 20)
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    """A pulled tree's files, without the working-copy state the pull records in it."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != STATE_DIR
    }


def round_trip(gateway, token: str, tmp_path: Path) -> dict[str, float]:
    """Push a tree through the gateway and pull it back; the change in chunk requests per service."""
    source, target = tmp_path / "src", tmp_path / "dst"
    files = make_tree(source)
    before = counts(gateway)
    with gateway.client(token) as client:
        pushed = push_directory(client, "/api/v1", source)
        pulled = pull_manifest(client, "/api/v1", pushed.digest, target)
    assert pulled.files_written == len(files)
    assert read_tree(target) == files
    after = counts(gateway)
    return {name: after[name] - before[name] for name in after}


def test_chunk_bytes_skip_the_gateway_when_it_grants_direct_transfers(gateway, tokens, tmp_path):
    moved = round_trip(gateway, tokens["editor"], tmp_path)
    for route in CHUNK_ROUTES:
        assert moved[f"gateway {route}"] == 0, route
        assert moved[f"storage {route}"] >= 1, route


@pytest.fixture(scope="module")
def gateway_without_direct_transfers(tmp_path_factory):
    started = start_services(
        tmp_path_factory.mktemp("kamld-home"), {env_prefix("workbench-api") + "STORAGE_PUBLIC_URL": ""}
    )
    yield started
    stop_services(*started.services.values())


def test_chunk_bytes_go_through_the_gateway_when_it_grants_none(gateway_without_direct_transfers, tmp_path):
    gateway = gateway_without_direct_transfers
    moved = round_trip(gateway, gateway.admin_token, tmp_path)
    for route in CHUNK_ROUTES:
        assert moved[f"gateway {route}"] >= 1, route
        # Each call the gateway forwarded reached storage-gateway once, and nothing else did.
        assert moved[f"storage {route}"] == moved[f"gateway {route}"], route


def test_an_expired_grant_is_renewed_once_and_the_read_repeated(gateway, tokens, tmp_path):
    source = tmp_path / "src"
    make_tree(source)
    with gateway.client(tokens["editor"]) as client:
        pushed = push_directory(client, "/api/v1", source)
        items = client.get(f"/api/v1/manifests/{pushed.digest}/files").json()["items"]
    digests = list(dict.fromkeys(chunk for item in items for chunk, _ in item["chunks"]))[:20]
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    expired, _ = sign_grant(gateway.transfer_key, access="read", ttl_s=60, now=an_hour_ago)
    fresh, _ = sign_grant(gateway.transfer_key, access="read", ttl_s=60)
    renewals: list[int] = []

    def renew() -> dict[str, str]:
        renewals.append(1)
        return {GRANT_HEADER: fresh}

    storage = gateway.services["storage-gateway"].url
    with ChunkChannel(storage, {GRANT_HEADER: expired}, renew=renew) as channel:
        fetched = channel.fetch(digests)
    assert set(fetched) == set(digests)
    assert renewals == [1]


def test_a_grant_that_stays_expired_is_reported(gateway):
    expired, _ = sign_grant(
        gateway.transfer_key, access="read", ttl_s=60, now=datetime.now(UTC) - timedelta(hours=1)
    )
    storage = gateway.services["storage-gateway"].url
    with ChunkChannel(storage, {GRANT_HEADER: expired}, renew=lambda: {GRANT_HEADER: expired}) as channel:
        with pytest.raises(KamldClientError) as caught:
            channel.fetch(["blake3:" + "0" * 64])
    assert caught.value.code == "grant_expired"
    assert caught.value.status == 401
