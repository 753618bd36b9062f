"""`kamld push` means what it says, against the platform as real processes: a push of unchanged
content records nothing, every reference and option is checked before a byte is sent, and labels,
description and metadata given with a push are recorded (or the push is refused)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

import kamld
from kamld_testing.platform import Platform, kamld_command
from kamld_testing.processes import requests_served

pytestmark = pytest.mark.integration


def cli(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(platform.home / "cli"),
    }
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def uploads_opened(platform: Platform) -> float:
    return requests_served(platform.urls["storage-gateway"], "/uploads", "POST")


@pytest.fixture
def name() -> str:
    return f"pets-{secrets.token_hex(3)}"


def test_an_unchanged_push_records_nothing_and_says_so(platform: Platform, tmp_path: Path, name: str) -> None:
    source = tree(tmp_path / "d", {"labels.csv": b"id,label\n1,cat\n", "img/1.png": b"\x89PNG 1"})
    first = cli(platform, "push", str(source), name, "-m", "first")
    assert first.returncode == 0, first.stderr
    again = cli(platform, "push", str(source), name, "-m", "again", "--metadata", "acc=0.9")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"nothing changed: {name}:v1 already holds this content"
    assert "--message, --metadata" in again.stderr and "--allow-empty" in again.stderr
    as_json = json.loads(cli(platform, "push", str(source), name, "--json").stdout)
    assert (as_json["ref"], as_json["unchanged"], as_json["message"]) == (f"{name}:v1", True, "first")

    forced = json.loads(
        cli(platform, "push", str(source), name, "--allow-empty", "-m", "same", "--json").stdout
    )
    assert (forced["ref"], forced["unchanged"]) == (f"{name}:v2", False)
    with kamld.Client(platform.gateway, platform.token) as client:
        assert [v.name for v in client.log(name)] == ["v2", "v1"]
        (source / "labels.csv").write_bytes(b"id,label\n1,dog\n")
        changed = client.push(source, name, "relabelled")
        assert (changed.ref, changed.unchanged) == (f"{name}:v3", False)
        same = client.push(source, name, "relabelled again")
        assert (same.ref, same.unchanged, same.bytes_sent) == (f"{name}:v3", True, 0)


NOT_FOUND, USAGE, CONFLICT = 3, 2, 4


@pytest.mark.parametrize(
    ("args", "named", "code"),
    [
        (["--input", "{upstream}:v99"], "input {upstream}:v99", NOT_FOUND),
        (["--input", "no-such-thing:v1"], "input no-such-thing:v1", NOT_FOUND),
        (["--input", "{upstream}:v9=trained_on"], "input {upstream}:v9", NOT_FOUND),
        (["--input", "{name}:v1"], "input {name}:v1", USAGE),
        (["--expect-parent", "v7"], "expected parent v7", NOT_FOUND),
        (["--expect-parent", "v1"], "newest version is {name}:v2", CONFLICT),
        (["--kind", "model"], "is a dataset, not a model", CONFLICT),
        (["--kind", "table"], "kind 'table'", USAGE),
        (["--input", "{upstream}:v1=parent"], "input {upstream}:v1: role 'parent'", USAGE),
        (["--label", "Bad Key=x"], "label key 'Bad Key'", USAGE),
        (["--metadata", "broken"], "metadata 'broken'", USAGE),
        (["--metadata-file", "{nan_file}"], "loss", USAGE),
        (["--metadata-file", "{list_file}"], "must hold a JSON object", USAGE),
        (["--metadata-file", "{missing_file}"], "metadata file", USAGE),
    ],
)
def test_a_bad_reference_or_option_is_refused_before_anything_is_uploaded(
    platform: Platform, tmp_path: Path, name: str, args: list[str], named: str, code: int
) -> None:
    upstream = f"up-{name}"
    (tmp_path / "nan.json").write_text('{"acc": 0.9, "loss": NaN}')
    (tmp_path / "list.json").write_text("[1, 2]")
    values = {
        "name": name,
        "upstream": upstream,
        "nan_file": str(tmp_path / "nan.json"),
        "list_file": str(tmp_path / "list.json"),
        "missing_file": str(tmp_path / "absent.json"),
    }
    with kamld.Client(platform.gateway, platform.token) as client:
        client.push(tree(tmp_path / "u", {"a.txt": b"up"}), upstream, kind="dataset")
        client.push(tree(tmp_path / "v1", {"a.txt": b"one"}), name, labels={"team": "vision"})
        client.push(tree(tmp_path / "v2", {"a.txt": b"two"}), name)
        before = client.artifact(name)
    opened = uploads_opened(platform)
    source = tree(tmp_path / "new", {"a.txt": b"three", "big.bin": os.urandom(300_000)})
    refused = cli(
        platform, "push", str(source), name, "--label", "stage=raw", *[a.format(**values) for a in args]
    )
    assert refused.returncode == code, refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert named.format(**values) in refused.stderr
    assert uploads_opened(platform) == opened, "nothing may be uploaded for a refused push"
    with kamld.Client(platform.gateway, platform.token) as client:
        after = client.artifact(name)
    assert (after.version_count, after.labels, after.description) == (2, before.labels, before.description)


def test_an_archived_artifact_is_refused_before_upload(platform: Platform, tmp_path: Path, name: str) -> None:
    with kamld.Client(platform.gateway, platform.token) as client:
        client.push(tree(tmp_path / "v1", {"a.txt": b"one"}), name)
        client.request("POST", f"/api/v1/artifacts/{name}/archive")
    opened = uploads_opened(platform)
    refused = cli(platform, "push", str(tree(tmp_path / "v2", {"a.txt": b"two"})), name)
    assert refused.returncode == CONFLICT and "archived" in refused.stderr
    assert uploads_opened(platform) == opened


def test_labels_description_and_metadata_are_recorded(platform: Platform, tmp_path: Path, name: str) -> None:
    metrics = tmp_path / "metrics.json"
    metrics.write_text(
        json.dumps({"accuracy": 0.91, "epochs": 12, "per_class": {"cat": 0.9}, "note": "file"})
    )
    source = tree(tmp_path / "m", {"model.onnx": b"\x08\x07weights"})
    first = cli(platform, "push", str(source), name, "--kind", "model", "--label", "team=vision")
    assert first.returncode == 0, first.stderr
    (source / "model.onnx").write_bytes(b"\x08\x07better weights")
    pushed = cli(
        platform,
        "push",
        str(source),
        name,
        "-m",
        "retrained",
        "--label",
        "stage=trained",
        "--description",
        "face classifier",
        "--metadata-file",
        str(metrics),
        "--metadata",
        "note=cli wins",
        "--metadata",
        "lr=0.001",
        "--metadata",
        "early_stop=true",
        "--metadata",
        "run=007",
    )
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.startswith(f"pushed {name}:v2")

    log = json.loads(cli(platform, "log", name, "--json").stdout)
    metadata = log[0]["metadata"]
    # A model push also records what its files are (docs/trainer.md, "Model formats and signatures").
    assert metadata.pop("model")["formats"] == ["onnx"]
    assert metadata == {
        "accuracy": 0.91,
        "epochs": 12,
        "per_class": {"cat": 0.9},
        "note": "cli wins",
        "lr": 0.001,
        "early_stop": True,
        "run": "007",
    }
    shown = cli(platform, "show", f"{name}:v2")
    assert "metadata accuracy = 0.91" in shown.stdout and 'metadata per_class = {"cat": 0.9}' in shown.stdout
    with kamld.Client(platform.gateway, platform.token) as client:
        artifact = client.artifact(name)
    assert artifact.labels == {"stage": "trained", "team": "vision"}
    assert artifact.description == "face classifier"

    # Labels on a push that changes nothing are still applied, and the output says so.
    relabelled = cli(platform, "push", str(source), name, "--label", "stage=production")
    assert relabelled.returncode == 0 and "nothing changed" in relabelled.stdout
    assert f"applied to {name}: --label" in relabelled.stderr
    with kamld.Client(platform.gateway, platform.token) as client:
        assert client.artifact(name).labels["stage"] == "production"


def test_the_upload_counter_sees_a_push(platform: Platform, tmp_path: Path, name: str) -> None:
    """The check the refusals rely on: a push that is not refused does open an upload."""
    opened = uploads_opened(platform)
    assert cli(platform, "push", str(tree(tmp_path / "d", {"a.txt": b"x"})), name).returncode == 0
    assert uploads_opened(platform) > opened
