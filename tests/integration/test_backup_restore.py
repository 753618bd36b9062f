"""Backup and restore of a whole platform, and the consistency check (``kamld admin verify``).

A platform is started and given versions that share chunks; it is backed up while running (GC
is refused during the backup), stopped, and restored into a fresh platform (fresh databases and
object store) where every version pulls byte-identical and the check finds nothing. Deleting one
chunk makes the check name exactly the version and file it breaks; a damaged backup is refused
before anything is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest

import kamld
from kamld_content.hashing import digest_bytes, object_key
from kamld_storage_gateway.backup import backup
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.objectstore import create_object_store
from kamld_testing.platform import SERVICES, clean_environment, kamld_command, running_platform
from kamld_testing.processes import env_prefix

pytestmark = pytest.mark.integration

STORAGE = env_prefix("storage-gateway")


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` is ``env`` inside the block (the backup module reads the services' settings there)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def platform_env(kind: str, home: Path, stack: contextlib.ExitStack, tmp: Path) -> dict[str, str]:
    """A fresh platform's environment: SQLite and a local object directory, or PostgreSQL and S3."""
    env = clean_environment() | {"KAMLD_HOME": str(home)}
    if kind == "postgres-s3":
        from kamld_testing.postgres import fresh_postgres_database, postgres_unavailable_reason
        from kamld_testing.seaweedfs import SeaweedFSUnavailable, run_seaweedfs

        reason = postgres_unavailable_reason()
        if reason:
            pytest.skip(f"PostgreSQL is not available: {reason}")
        try:
            s3 = stack.enter_context(run_seaweedfs(tmp))
        except SeaweedFSUnavailable as exc:
            pytest.skip(f"SeaweedFS is not available: {exc}")
        for service in SERVICES:
            env[env_prefix(service) + "DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
        env |= {
            STORAGE + "OBJECT_STORE": "s3",
            STORAGE + "S3_ENDPOINT": s3.url,
            STORAGE + "S3_ACCESS_KEY": s3.access_key,
            STORAGE + "S3_SECRET_KEY": s3.secret_key,
            STORAGE + "S3_BUCKET": s3.bucket,
            STORAGE + "S3_REGION": s3.region,
        }
    return env


def write_tree(root: Path, files: Mapping[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the working copy's own records."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.relative_to(root).parts[0].startswith(".kamld")
    }


def run_tool(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamld_storage_gateway.backup", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_cli(env: Mapping[str, str], url: str, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        kamld_command(*args),
        env={**env, "KAMLD_URL": url, "KAMLD_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("kind", ["sqlite-local", "postgres-s3"])
def test_backup_restore_verify(kind: str, tmp_path: Path) -> None:
    rng = random.Random(7)
    shared = rng.randbytes(700_000)  # several chunks, in every version
    first = {"shared.bin": shared, "notes/readme.txt": b"first cut\n", "small.csv": b"a,b\n1,2\n"}
    second = {**first, "changed.txt": b"only in data:v2\n" * 50, "notes/readme.txt": b"second cut\n"}
    model = {"weights.bin": shared + rng.randbytes(1000), "config.json": b'{"layers": 3}'}
    versions = {"data:v1": first, "data:v2": second, "model:v1": model}
    backup_dir = tmp_path / "backup"

    with contextlib.ExitStack() as stack:
        env_a = platform_env(kind, tmp_path / "home-a", stack, tmp_path / "s3-a")
        with running_platform(tmp_path / "home-a", env_a, database=kind) as a:
            with kamld.Client(a.gateway, a.token) as client:
                client.push(write_tree(tmp_path / "src-1", first), "data", "v1")
                client.push(write_tree(tmp_path / "src-2", second), "data", "v2")
                client.push(write_tree(tmp_path / "src-m", model), "model", "v1", kind="model")
                editor = client.token_create("restored-editor", "editor").token
                assert all(check.ok for check in client.verify())

            refused: list[httpx.Response] = []

            def progress(stage: str, done: int, total: int | None) -> None:
                if stage == "objects" and not refused:
                    # GC deletes nothing while the backup holds it off.
                    refused.append(
                        httpx.post(f"{a.gateway}/api/v1/gc", params={"dry_run": "false"}, headers=a.auth)
                    )

            with environment(env_a):
                manifest = asyncio.run(backup(backup_dir, progress=progress))
            assert refused and refused[0].status_code == 409, refused[0].text
            assert refused[0].json()["code"] == "gc_held"
            # The hold is let go with the backup: GC runs again.
            after = httpx.post(
                f"{a.gateway}/api/v1/gc", params={"dry_run": "false"}, headers=a.auth, timeout=60
            )
            assert after.status_code == 200, after.text
            assert set(manifest["databases"]) == set(SERVICES)
            assert manifest["objects"]["count"] > 0

        env_b = platform_env(kind, tmp_path / "home-b", stack, tmp_path / "s3-b")
        restored = run_tool(env_b, "restore", str(backup_dir))
        assert restored.returncode == 0, restored.stderr
        assert "objects:" in restored.stderr  # progress
        again = run_tool(env_b, "restore", str(backup_dir))
        assert again.returncode == 1 and "not empty" in again.stderr, again.stderr

        with running_platform(tmp_path / "home-b", env_b, database=kind) as b:
            with kamld.Client(b.gateway, b.token) as client:
                for ref, files in versions.items():
                    target = tmp_path / "pulled" / ref.replace(":", "-")
                    client.pull(ref, target)
                    assert tree(target) == files, ref
                assert [check.ref for check in client.verify()] == ["data:v1", "data:v2", "model:v1"]
                assert all(check.ok for check in client.verify())
            # Tokens are restored with the catalog.
            with kamld.Client(b.gateway, editor) as client:
                assert [v.ref for v in client.log("data")] == ["data:v2", "data:v1"]
            clean = run_cli(env_b, b.gateway, b.token, "admin", "verify")
            assert clean.returncode == 0, clean.stderr
            assert "checked 3 versions" in clean.stdout

            # One chunk gone: the check names the one version and file that needed it.
            with environment(env_b):
                store = create_object_store(Settings(), metered=False)
                asyncio.run(store.delete(object_key(digest_bytes(second["changed.txt"]))))
            with kamld.Client(b.gateway, b.token) as client:
                damaged = [check for check in client.verify() if not check.ok]
                assert [(c.ref, c.missing_chunks, c.damaged_files) for c in damaged] == [
                    ("data:v2", 1, ["changed.txt"])
                ]
                assert client.verify_page("data", "v1").items[0].ok
            found = run_cli(env_b, b.gateway, b.token, "admin", "verify", "data", "--json")
            assert found.returncode == 8, found.stderr
            report = json.loads(found.stdout)
            assert report["checked"] == 2 and not report["ok"]
            assert [(d["ref"], d["missing_chunks"], d["damaged_files"]) for d in report["damaged"]] == [
                ("data:v2", 1, ["changed.txt"])
            ]
            listed = run_cli(env_b, b.gateway, b.token, "admin", "verify")
            assert listed.returncode == 8
            assert "data:v2/changed.txt" in listed.stdout and "1 damaged" in listed.stdout
            one = run_cli(env_b, b.gateway, b.token, "admin", "verify", "model:v1")
            assert one.returncode == 0, one.stderr

            # Bad input: problem details naming the field; only admins may check.
            def get(params: dict[str, str], token: str = b.token) -> httpx.Response:
                return httpx.get(
                    f"{b.gateway}/api/v1/verify", params=params, headers={"Authorization": f"Bearer {token}"}
                )

            unknown = get({"artifact": "nope"})
            assert unknown.status_code == 404 and unknown.json()["code"] == "artifact_not_found"
            assert unknown.json()["field"] == ["query", "artifact"]
            missing = get({"artifact": "data", "ref": "v9"})
            assert missing.status_code == 404 and missing.json()["field"] == ["query", "ref"]
            alone = get({"ref": "v1"})
            assert alone.status_code == 422 and alone.json()["errors"][0]["loc"][-1] == "ref"
            malformed = get({"artifact": "Not A Name"})
            assert malformed.status_code == 422 and malformed.json()["errors"][0]["loc"][-1] == "artifact"
            assert get({}, token=editor).status_code == 403
            assert get({}, token=editor).headers["content-type"].startswith("application/problem+json")


def test_damaged_backup_is_refused(tmp_path: Path) -> None:
    """A backup file that does not match its checksum stops the restore before anything is written."""
    with contextlib.ExitStack() as stack:
        env_a = platform_env("sqlite-local", tmp_path / "home-a", stack, tmp_path)
        with running_platform(tmp_path / "home-a", env_a, database="sqlite-local") as a:
            with kamld.Client(a.gateway, a.token) as client:
                client.push(write_tree(tmp_path / "src", {"a.txt": b"hello\n" * 100}), "data", "v1")
        made = run_tool(env_a, "backup", str(tmp_path / "backup"))
        assert made.returncode == 0, made.stderr
        assert run_tool(env_a, "check", str(tmp_path / "backup")).returncode == 0

    index = [json.loads(line) for line in (tmp_path / "backup" / "objects.jsonl").read_text().splitlines()]
    victim = tmp_path / "backup" / "objects" / index[0]["key"]
    data = bytearray(victim.read_bytes())
    data[0] ^= 0xFF
    victim.chmod(0o644)
    victim.write_bytes(bytes(data))
    env_c = platform_env("sqlite-local", tmp_path / "home-c", contextlib.ExitStack(), tmp_path)
    refused = run_tool(env_c, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1
    assert f"object {index[0]['key']} does not match its checksum" in refused.stderr
    assert not (tmp_path / "home-c").exists() or not any((tmp_path / "home-c").rglob("*.sqlite3"))

    (tmp_path / "backup" / "databases" / "metadata-hub.sqlite3").write_bytes(b"not a database")
    broken = run_tool(env_c, "check", str(tmp_path / "backup"))
    assert broken.returncode == 1 and "metadata-hub" in broken.stderr
