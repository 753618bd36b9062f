"""Garbage collection against real storage-gateway and metadata-hub processes."""

from __future__ import annotations

import random
import threading

from kamld.transfer import STATE_DIR, Progress, pull_manifest, push_directory
from kamld_content.hashing import digest_bytes


def register(hub, name: str, result) -> None:
    with hub.client() as client:
        response = client.post(
            f"/artifacts/{name}/versions",
            json={
                "digest": result.digest,
                "file_count": result.file_count,
                "total_bytes": result.total_bytes,
                "kind": "dataset",
            },
        )
        assert response.status_code == 201, response.text


def stored(client, session: str, data: bytes) -> bool:
    """Whether the store holds chunk ``data`` (uncommitted chunks are not served, so ask ``missing``)."""
    digest = digest_bytes(data)
    answer = client.post(f"/uploads/{session}/missing", json={"digests": [digest]})
    return answer.raise_for_status().json()["missing"] == []


def files_of(root):
    """A tree's files, without the working-copy state a pull records in it."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != STATE_DIR
    }


def test_gc_keeps_catalog_and_open_sessions_and_sweeps_orphans(gateway, metadata_hub, tmp_path):
    rng = random.Random(7)
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "a.bin").write_bytes(rng.randbytes(700_000))
    with gateway.client() as client:
        pushed = push_directory(client, "", kept)
        register(metadata_hub, "gc-kept", pushed)
        orphan = b"orphan chunk " + rng.randbytes(16)
        assert client.put(f"/chunks/{digest_bytes(orphan)}", content=orphan).status_code == 200
        session = client.post("/uploads").json()["id"]
        pending = b"uploaded to an open session " + rng.randbytes(16)
        assert (
            client.put(
                f"/chunks/{digest_bytes(pending)}", params={"upload_id": session}, content=pending
            ).status_code
            == 200
        )

        dry = client.post("/gc", params={"dry_run": "true", "grace_s": 0}).json()
        assert dry["dry_run"] is True and dry["objects"] >= 1 and dry["marked"] >= 3
        assert stored(client, session, orphan)  # a dry run deletes nothing

        young = client.post("/gc", params={"dry_run": "false"}).json()  # default grace: everything is young
        assert young["objects"] == 0
        swept = client.post("/gc", params={"dry_run": "false", "grace_s": 0}).json()
        assert swept["objects"] >= 1 and swept["bytes"] >= len(orphan)
        assert not stored(client, session, orphan)
        assert stored(client, session, pending)
        pull_manifest(client, "", pushed.digest, tmp_path / "out")
    assert files_of(tmp_path / "out") == files_of(kept)


def test_upload_running_during_gc_loses_nothing(gateway, metadata_hub, tmp_path):
    # A seed no other test uses: the gateway is shared, and bytes another test stored would be
    # deduplicated here instead of sent.
    rng = random.Random(80_123)
    source = tmp_path / "src"
    source.mkdir()
    for index in range(6):
        (source / f"f{index}.bin").write_bytes(rng.randbytes(3 << 20))
    collected: list[dict] = []
    lock = threading.Lock()

    def collect_mid_upload(progress: Progress) -> None:
        # Run a full, grace-less collection while chunks are being uploaded and before the commit.
        if progress.phase == "upload" and progress.done < progress.total:
            with lock:
                if collected:
                    return
                with gateway.client() as admin:
                    collected.append(admin.post("/gc", params={"dry_run": "false", "grace_s": 0}).json())

    with gateway.client() as client:
        pushed = push_directory(client, "", source, progress=collect_mid_upload, concurrency=2)
        assert collected and collected[0]["dry_run"] is False
        # Every chunk went out exactly once: none was swept and had to be sent again at commit.
        assert pushed.bytes_sent == pushed.total_bytes
        after = client.post(
            "/gc", params={"dry_run": "false", "grace_s": 0}
        ).json()  # committed session protects
        assert after["dry_run"] is False
        pull_manifest(client, "", pushed.digest, tmp_path / "dst")
    assert files_of(tmp_path / "dst") == files_of(source)
