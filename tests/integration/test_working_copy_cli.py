"""Working copies through the ``kamld`` command line, against the platform as real processes."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from kamld_testing.platform import Platform, kamld_command

pytestmark = pytest.mark.integration


def cli(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(platform.home)}
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def ok(done: subprocess.CompletedProcess[str]) -> dict:
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".kamld"
    }


@pytest.mark.parametrize("platform", ["sqlite"], indirect=True)
def test_pull_diff_and_refusal_through_the_cli(platform: Platform, tmp_path: Path) -> None:
    rng = random.Random(5)
    work = tmp_path / "pets"
    (work / "images").mkdir(parents=True)
    big = bytearray(rng.randbytes(6 << 20))
    (work / "big.bin").write_bytes(big)
    (work / "labels.csv").write_text("a,b\n1,2\n")
    (work / "images" / "cat.png").write_bytes(rng.randbytes(3000))
    name = f"pets-{rng.randrange(1 << 30)}"
    ok(cli(platform, "push", str(work), name, "--json"))
    v1 = files(work)
    # The push recorded the directory: pulling the version it holds reads and downloads nothing.
    same = ok(cli(platform, "pull", f"{name}:v1", str(work), "--json"))
    assert (same["files_written"], same["bytes_downloaded"], same["files_unchanged"]) == (0, 0, 3)

    big[3 << 20 : (3 << 20) + 100] = rng.randbytes(100)
    (work / "big.bin").write_bytes(big)
    (work / "extra.txt").write_text("new in v2")
    ok(cli(platform, "push", str(work), name, "--json"))

    diff = ok(cli(platform, "diff", f"{name}:v1", str(work), "--json"))
    assert [(c["change"], c["path"]) for c in diff["changes"]] == [
        ("modified", "big.bin"),
        ("added", "extra.txt"),
    ]
    reversed_diff = ok(cli(platform, "diff", str(work), f"{name}:v1", "--json"))
    assert [(c["change"], c["path"]) for c in reversed_diff["changes"]] == [
        ("modified", "big.bin"),
        ("removed", "extra.txt"),
    ]

    (work / "labels.csv").write_text("edited by hand")
    before = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    refused = cli(platform, "pull", f"{name}:v1", str(work))
    assert refused.returncode == 7
    assert "labels.csv: modified locally" in refused.stderr
    (error,) = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert "local changes in 1 file" in error and "nothing was written" in error
    assert {p: p.read_bytes() for p in work.rglob("*") if p.is_file()} == before
    as_json = cli(platform, "pull", f"{name}:v1", str(work), "--json")
    assert as_json.returncode == 7
    assert json.loads(as_json.stdout)["conflicts"] == [
        {"path": "labels.csv", "reason": "modified locally; the version has another file"}
    ]

    (work / "labels.csv").write_text("a,b\n1,2\n")
    back = ok(cli(platform, "pull", f"{name}:v1", str(work), "--json"))
    assert files(work) == v1
    assert back["files_removed"] == 1
    assert back["bytes_reused"] > 0 and back["bytes_downloaded"] < 5 << 20

    subtree = ok(cli(platform, "pull", f"{name}:v1/images", str(tmp_path / "images"), "--json"))
    assert subtree["file_count"] == 1
    assert files(tmp_path / "images") == {"cat.png": v1["images/cat.png"]}
