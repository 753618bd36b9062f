"""Zero-copy split and compose against the platform as real processes: the derived versions name
the chunks already stored (no chunk is uploaded), a seed always gives the same digests, lineage
records ``split_of`` / ``composed_from``, and bad input is refused before anything is recorded."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import httpx
import pytest

from kamld_testing.platform import Platform, kamld_command
from kamld_testing.processes import requests_served

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def platform(limited_platform: Platform) -> Platform:
    return limited_platform


def cli(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(platform.home / "cli"),
    }
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def chunk_uploads(platform: Platform) -> float:
    return requests_served(platform.urls["storage-gateway"], "/uploads/{upload_id}/chunks", "POST")


@pytest.fixture(scope="module")
def images(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> str:
    name = f"imgs-{secrets.token_hex(3)}"
    root = tmp_path_factory.mktemp("imgs")
    for i in range(50):
        (root / "img" / f"{i:03d}.png").parent.mkdir(parents=True, exist_ok=True)
        (root / "img" / f"{i:03d}.png").write_bytes(f"image {i}".encode() * 50)
    (root / "labels.csv").write_bytes(b"id,label\n")
    assert cli(platform, "push", str(root), name).returncode == 0
    return name


def version(platform: Platform, ref: str) -> dict:
    name, _, number = ref.partition(":")
    url = f"{platform.gateway}/api/v1/artifacts/{name}/versions/{number}"
    return httpx.get(url, headers=platform.auth, timeout=30).json()


def files(platform: Platform, ref: str) -> list[str]:
    name, _, number = ref.partition(":")
    url = f"{platform.gateway}/api/v1/artifacts/{name}/versions/{number}/files"
    return [
        f["path"]
        for f in httpx.get(url, params={"limit": 1000}, headers=platform.auth, timeout=30).json()["items"]
    ]


def test_a_split_is_zero_copy_deterministic_and_recorded(platform: Platform, images: str) -> None:
    uploads = chunk_uploads(platform)
    first = cli(platform, "split", f"{images}:v1", "--test", "0.3", "--val", "0.1", "--seed", "42", "--json")
    assert first.returncode == 0, first.stderr
    made = json.loads(first.stdout)
    paths = files(platform, made["ref"])
    parts = {p.split("/", 1)[0] for p in paths}
    assert parts == {"train", "test", "val"}
    assert sum(p.startswith("test/") for p in paths) == 15 and sum(p.startswith("val/") for p in paths) == 5
    assert sorted(p.split("/", 1)[1] for p in paths) == sorted(files(platform, f"{images}:v1"))
    recorded = version(platform, made["ref"])
    assert [(i["ref"], i["role"]) for i in recorded["inputs"]] == [(f"{images}:v1", "split_of")]
    assert recorded["metadata"]["split"]["seed"] == 42

    again = json.loads(
        cli(
            platform,
            "split",
            f"{images}:v1",
            "--test",
            "0.3",
            "--val",
            "0.1",
            "--seed",
            "42",
            "--output",
            f"{images}-again",
            "--json",
        ).stdout
    )
    assert again["digest"] == made["digest"]
    other = json.loads(
        cli(
            platform,
            "split",
            f"{images}:v1",
            "--test",
            "0.3",
            "--val",
            "0.1",
            "--seed",
            "43",
            "--output",
            f"{images}-other",
            "--json",
        ).stdout
    )
    assert other["digest"] != made["digest"]
    assert chunk_uploads(platform) == uploads


def test_compose_takes_files_of_several_versions(platform: Platform, images: str, tmp_path: Path) -> None:
    extra = f"extra-{secrets.token_hex(3)}"
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "900.png").write_bytes(b"extra image")
    (tmp_path / "img" / "000.png").write_bytes(b"a different 000")
    assert cli(platform, "push", str(tmp_path), extra).returncode == 0
    uploads = chunk_uploads(platform)
    target = f"mix-{secrets.token_hex(3)}"
    made = cli(
        platform,
        "compose",
        target,
        "--from",
        f"{images}:v1/img/00*.png",
        "--from",
        f"{extra}:v1/img/9*",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    ref = json.loads(made.stdout)["ref"]
    assert files(platform, ref) == [f"img/00{i}.png" for i in range(10)] + ["img/900.png"]
    assert sorted((i["ref"], i["role"]) for i in version(platform, ref)["inputs"]) == [
        (f"{extra}:v1", "composed_from"),
        (f"{images}:v1", "composed_from"),
    ]
    assert chunk_uploads(platform) == uploads

    clash = cli(platform, "compose", target, "--from", f"{images}:v1/img/*", "--from", f"{extra}:v1/img/*")
    assert clash.returncode != 0 and "different content" in clash.stderr
    nothing = cli(platform, "compose", target, "--from", f"{images}:v1/none/*")
    assert nothing.returncode != 0 and "matches no file" in nothing.stderr
    bad = cli(platform, "split", f"{images}:v1", "--test", "1.5")
    assert bad.returncode != 0 and "fractions" in bad.stderr
    assert version(platform, f"{target}:v2").get("code") == "version_not_found"
