"""Promotion gates end to end, against the platform as real processes: two model versions pushed
with metrics, signatures and their training data; a policy on `production`; a refused promotion that
names both reasons; an editor's override refused; an admin's override kept in `kamld alias history`."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

import kamld
from kamld_testing.platform import Platform, kamld_command

pytestmark = pytest.mark.integration

NOT_FOUND, CONFLICT, DENIED = 3, 4, 5
TABLE = b"age,income,city,label\n31,52000,Oslo,yes\n45,61000,Bergen,no\n27,38000,Oslo,yes\n"


def cli(platform: Platform, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": token or platform.token,
        "KAMLD_HOME": str(platform.home / "cli"),
    }
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def model_dir(root: Path, accuracy: float, columns: list[str]) -> tuple[Path, Path]:
    """A model directory and the metadata a run would record for it: its metrics and params, and
    the ONNX signature of a model taking one input per column."""
    root.mkdir(parents=True)
    (root / "weights.bin").write_bytes(secrets.token_bytes(64))
    signature = {
        "inputs": [{"name": column, "type": "float32", "shape": [None, 1]} for column in columns],
        "outputs": [{"name": "label", "type": "string", "shape": [None]}],
    }
    metadata = {
        "run": {"metrics": {"accuracy": accuracy}, "params": {"target": "label"}},
        "model": {
            "files": [{"path": "model.onnx", "format": "onnx"}],
            "formats": ["onnx"],
            "signature": signature,
        },
    }
    meta = root.parent / f"{root.name}.json"
    meta.write_text(json.dumps(metadata))
    return root, meta


def profiled(client: kamld.Client, ref: str, timeout_s: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while (found := client.profile(ref)).status != "done":
        assert time.monotonic() < deadline, f"{ref} was not profiled within {timeout_s:.0f}s"
        time.sleep(0.2)
    return found


def test_a_gated_promotion_is_refused_with_every_reason_and_an_admin_override_is_recorded(
    platform: Platform, tmp_path: Path
) -> None:
    u = secrets.token_hex(3)
    data, model = f"customers-{u}", f"churn-{u}"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_bytes(TABLE)
    with kamld.Client(platform.gateway, platform.token) as client:
        pushed = client.push(tmp_path / "data", data, "customers", kind="dataset")
        summary = profiled(client, pushed.ref)
        assert [(t.path, t.columns) for t in summary.tables] == [("train.csv", 4)]
        editor = client.token_create(f"gate-editor-{u}", "editor").token

    good, good_meta = model_dir(tmp_path / "good", 0.91, ["age", "income", "city"])
    worse, worse_meta = model_dir(tmp_path / "worse", 0.84, ["age", "income", "height"])
    for directory, meta in ((good, good_meta), (worse, worse_meta)):
        done = cli(
            platform, "push", str(directory), model, "--kind", "model",
            "--input", f"{pushed.ref}=train", "--metadata-file", str(meta),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert cli(platform, "alias", "set", model, "production", "v1").returncode == 0

    policy = cli(
        platform, "alias", "policy", "set", model, "production",
        "--require-metric", "accuracy:max", "--min-metric", "accuracy=0.5", "--signature-matches-inputs",
    )  # fmt: skip
    assert policy.returncode == 0, policy.stderr
    shown = cli(platform, "alias", "policy", "show", model, "production")
    assert shown.returncode == 0, shown.stderr
    assert "metric_not_worse: accuracy not worse than the current holder's" in shown.stdout
    assert "signature_matches_inputs" in shown.stdout and "accuracy >= 0.5" in shown.stdout

    refused = cli(platform, "alias", "set", model, "production", "v2")
    assert refused.returncode == CONFLICT, refused.stdout + refused.stderr
    reasons = [line.strip() for line in refused.stderr.splitlines() if line.startswith("  - ")]
    assert reasons == [
        f"- metric_not_worse: accuracy of {model}:v2 is 0.84, lower than 0.91 of {model}:v1, "
        "the current production",
        f"- signature_matches_inputs: the signature of {model}:v2 does not match the columns of "
        f"{pushed.ref}/train.csv: columns the model does not take: city; "
        "model inputs the data has no column for: height",
    ]
    as_json = json.loads(cli(platform, "alias", "set", model, "production", "v2", "--json").stdout)
    assert as_json["code"] == "promotion_refused" and len(as_json["reasons"]) == 2

    not_admin = cli(
        platform, "alias", "set", model, "production", "v2", "--override", "ship it", token=editor
    )
    assert not_admin.returncode == DENIED, not_admin.stderr
    assert "only an admin may override" in not_admin.stderr

    forced = cli(platform, "alias", "set", model, "production", "v2", "--override", "incident 42 rollback")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == f"{model}:production -> {model}:v2"

    history = json.loads(cli(platform, "alias", "history", model, "production", "--json").stdout)
    newest, first = history[0], history[-1]
    assert (newest["to_version"], newest["override_reason"]) == (2, "incident 42 rollback")
    assert [r["rule"] for r in newest["overridden"]] == ["metric_not_worse", "signature_matches_inputs"]
    assert (first["to_version"], first["override_reason"]) == (1, None)
    table = cli(platform, "alias", "history", model, "production")
    assert "incident 42 rollback" in table.stdout and "2 refusals" in table.stdout

    assert cli(platform, "alias", "policy", "rm", model, "production").returncode == 0
    assert cli(platform, "alias", "policy", "show", model, "production").returncode == NOT_FOUND
    assert cli(platform, "alias", "set", model, "production", "v1").returncode == 0
