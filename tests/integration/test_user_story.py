"""The story KAML-D exists for, end to end against the platform as real processes.

A data scientist versions a dataset twice, splits it, trains a model on the split and marks it
``production``; an engineer with a read-only token finds the model, follows its lineage back to
the data, pulls exactly what was pushed and cannot move the alias. Runs on SQLite with local
files and on PostgreSQL with SeaweedFS S3; driven through ``kamld.Client`` and, for some steps,
the ``kamld`` command line with ``--json``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import kamld
from kamld.cli.exits import ExitCode
from kamld.errors import Forbidden, NotFound
from kamld_content import digest_bytes
from kamld_testing.platform import SERVICES, Platform, clean_environment, kamld_command, running_platform
from kamld_testing.processes import env_prefix, requests_served

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=["sqlite-local", "postgres-s3"])
def platform(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    env = clean_environment()
    with contextlib.ExitStack() as stack:
        if request.param == "postgres-s3":
            from kamld_testing.postgres import fresh_postgres_database, postgres_unavailable_reason
            from kamld_testing.seaweedfs import SeaweedFSUnavailable, run_seaweedfs

            reason = postgres_unavailable_reason()
            if reason:
                pytest.skip(f"PostgreSQL is not available: {reason}")
            try:
                s3 = stack.enter_context(run_seaweedfs(tmp_path_factory.mktemp("seaweedfs")))
            except SeaweedFSUnavailable as exc:
                pytest.skip(f"SeaweedFS is not available: {exc}")
            for service in SERVICES:
                env[env_prefix(service) + "DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
            storage = env_prefix("storage-gateway")
            env |= {
                storage + "OBJECT_STORE": "s3",
                storage + "S3_ENDPOINT": s3.url,
                storage + "S3_ACCESS_KEY": s3.access_key,
                storage + "S3_SECRET_KEY": s3.secret_key,
                storage + "S3_BUCKET": s3.bucket,
                storage + "S3_REGION": s3.region,
            }
        home = tmp_path_factory.mktemp(f"home-{request.param}")
        yield stack.enter_context(running_platform(home, env, database=request.param))


def png(seed: int, size: int = 3000) -> bytes:
    """Bytes shaped like a PNG image (signature and noise), different for every seed."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(seed).randbytes(size)


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def read_tree(root: Path) -> dict[str, bytes]:
    """A directory's files, without the working-copy state (``.kamld/``) a push or pull records."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".kamld" not in p.relative_to(root).parts
    }


def faces_csv(rows: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["image", "person"])
    writer.writerows(rows)
    return out.getvalue().encode()


def cli(running: Platform, token: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {"KAMLD_URL": running.gateway, "KAMLD_TOKEN": token, "KAMLD_HOME": str(running.home / "client")}
    done = subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def test_data_scientist_to_engineer(platform: Platform, tmp_path: Path) -> None:
    with kamld.Client(platform.gateway, platform.token) as admin:
        scientist_token = admin.token_create("scientist", "editor").token
        engineer_token = admin.token_create("engineer", "viewer").token
    scientist = kamld.Client(platform.gateway, scientist_token)
    engineer = kamld.Client(platform.gateway, engineer_token)

    # v1: a CSV and PNG images.
    rows = [(f"images/{i:03d}.png", f"person{i % 7}") for i in range(20)]
    v1_files = {"faces.csv": faces_csv(rows), **{path: png(i) for i, (path, _) in enumerate(rows)}}
    v1_dir = write_tree(tmp_path / "myawesomedata-v1", v1_files)
    v1 = scientist.push(v1_dir, "myawesomedata", "raw faces", kind="dataset", labels={"team": "vision"})
    assert (v1.ref, v1.file_count) == ("myawesomedata:v1", 21)

    # v2: cleaned (two bad rows and their images dropped) and five new images.
    cleaned = [r for r in rows if r[0] not in ("images/003.png", "images/011.png")]
    added = [(f"images/{i:03d}.png", f"person{i % 7}") for i in range(20, 25)]
    v2_files = {
        "faces.csv": faces_csv(cleaned + added),
        **{path: png(int(path[7:10])) for path, _ in cleaned + added},
    }
    v2_dir = write_tree(tmp_path / "myawesomedata-v2", v2_files)
    v2 = scientist.push(v2_dir, "myawesomedata", "clean and add", expected_parent="v1")
    assert v2.ref == "myawesomedata:v2" and [p.ref for p in v2.parents] == ["myawesomedata:v1"]
    assert v2.bytes_deduplicated > 0  # unchanged images were not sent again

    # The split, pushed with the CLI: 30% of rows for testing.
    shuffled = random.Random(7).sample(cleaned + added, len(cleaned + added))
    cut = round(len(shuffled) * 0.3)
    split_dir = write_tree(
        tmp_path / "split", {"test.csv": faces_csv(shuffled[:cut]), "train.csv": faces_csv(shuffled[cut:])}
    )
    pushed = cli(
        platform,
        scientist_token,
        "push",
        str(split_dir),
        "myawesomedata-split",
        "-m",
        "70/30 split",
        "--kind",
        "dataset",
        "--input",
        "myawesomedata:v2=derived_from",
        "--json",
    )
    split = json.loads(pushed.stdout)
    assert split["ref"] == "myawesomedata-split:v1"
    assert [(i["ref"], i["role"]) for i in split["inputs"]] == [("myawesomedata:v2", "derived_from")]

    # The model, trained on the split, marked production (alias via the CLI).
    model_bytes = b"\x08\x07\x12\x07pytorch" + random.Random(99).randbytes(50_000)
    model_dir = write_tree(tmp_path / "model", {"model.onnx": model_bytes})
    model = scientist.push(
        model_dir,
        "faces-model",
        "first model",
        kind="model",
        inputs=[("myawesomedata-split:v1", "trained_on")],
    )
    moved = cli(platform, scientist_token, "alias", "set", "faces-model", "production", "v1", "--json")
    assert json.loads(moved.stdout)["version"]["ref"] == model.ref == "faces-model:v1"

    # The engineer finds the model by name ...
    models = engineer.artifacts(kind="model")
    assert [a.name for a in models] == ["faces-model"]
    with pytest.raises(NotFound) as unknown:
        engineer.show("faces-modle:production")
    assert "faces-model" in unknown.value.suggestions

    # ... reads its lineage back to the data ...
    lineage = engineer.lineage("faces-model:production", direction="up", depth=5)
    refs = {node.ref for node in lineage.nodes}
    assert {"faces-model:v1", "myawesomedata-split:v1", "myawesomedata:v2"} <= refs
    assert ("myawesomedata:v2", "myawesomedata-split:v1", "derived_from") in {
        (e.source, e.target, e.role) for e in lineage.edges
    }
    tree = cli(platform, engineer_token, "lineage", "faces-model:production", "--up")
    assert "myawesomedata:v2" in tree.stdout

    # ... pulls exactly what was pushed ...
    engineer.pull("faces-model:production", tmp_path / "got-model")
    assert read_tree(tmp_path / "got-model") == {"model.onnx": model_bytes}
    pulled = cli(platform, engineer_token, "pull", "myawesomedata:v1", str(tmp_path / "got-v1"), "--json")
    assert json.loads(pulled.stdout)["files_written"] == 21
    assert read_tree(tmp_path / "got-v1") == v1_files
    again = engineer.pull("myawesomedata:v1", tmp_path / "got-v1")
    assert (again.files_written, again.files_unchanged, again.bytes_downloaded) == (0, 21, 0)
    with kamld.open("myawesomedata:v1/faces.csv", client=engineer) as stream:
        assert stream.read() == v1_files["faces.csv"]

    # ... and may not move the alias.
    with pytest.raises(Forbidden):
        engineer.alias_set("faces-model", "production", "v1")
    refused = cli(platform, engineer_token, "alias", "set", "faces-model", "production", "v1", ok=False)
    assert refused.returncode == ExitCode.DENIED and "Traceback" not in refused.stderr
    assert "editor" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    # The diff names exactly the changed files.
    diff = json.loads(
        cli(platform, engineer_token, "diff", "myawesomedata:v1", "myawesomedata:v2", "--json").stdout
    )
    changes = {(c["change"], c["path"]) for c in diff["changes"]}
    assert changes == {
        ("modified", "faces.csv"),
        ("removed", "images/003.png"),
        ("removed", "images/011.png"),
        *{("added", path) for path, _ in added},
    }

    # Garbage collection keeps everything a version references: a chunk nothing references goes,
    # every version still pulls byte-identical.
    scientist.http.put(
        f"/api/v1/chunks/{digest_bytes(b'orphan bytes')}", content=b"orphan bytes"
    ).raise_for_status()
    dry = json.loads(cli(platform, platform.token, "gc", "--dry-run", "--grace", "0", "--json").stdout)
    assert dry["dry_run"] is True and dry["objects"] >= 1 and dry["marked"] > 0
    collected = json.loads(cli(platform, platform.token, "gc", "--grace", "0", "--json").stdout)
    assert collected["dry_run"] is False and collected["objects"] >= 1
    refused_gc = cli(platform, engineer_token, "gc", "--dry-run", ok=False)
    assert refused_gc.returncode == ExitCode.DENIED and "admin" in refused_gc.stderr
    for ref, expected in (("myawesomedata:v1", v1_files), ("myawesomedata:v2", v2_files)):
        target = tmp_path / f"after-gc-{ref.replace(':', '-')}"
        engineer.pull(ref, target)
        assert read_tree(target) == expected
    engineer.pull("faces-model:production", tmp_path / "model-after-gc")
    assert read_tree(tmp_path / "model-after-gc") == {"model.onnx": model_bytes}
    scientist.close()
    engineer.close()


def test_kamld_up_moves_chunk_bytes_straight_to_storage_gateway(platform: Platform, tmp_path: Path) -> None:
    files = {f"part-{i}.bin": random.Random(i).randbytes(300_000) for i in range(6)}
    storage = platform.urls["storage-gateway"]
    sent_before = requests_served(storage, "/uploads/{upload_id}/chunks")
    read_before = requests_served(storage, "/chunks/read")
    with kamld.Client(platform.gateway, platform.token) as client:
        client.push(write_tree(tmp_path / "src", files), "direct-bytes", "six parts")
        client.pull("direct-bytes:v1", tmp_path / "dst")
    assert read_tree(tmp_path / "dst") == files
    assert requests_served(storage, "/uploads/{upload_id}/chunks") > sent_before
    assert requests_served(storage, "/chunks/read") > read_before
    for route in ("/api/v1/uploads/{upload_id}/chunks", "/api/v1/chunks/read"):
        assert requests_served(platform.gateway, route, headers=platform.auth) == 0, (
            f"{route} went through the gateway"
        )
