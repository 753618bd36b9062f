"""Search and data recall against the platform as real processes (SQLite and PostgreSQL): pushes
are indexed by metadata-hub's workers without waiting, file paths become searchable through the
gateway, and one image is traced to every dataset, split and production model that holds or used it."""

from __future__ import annotations

import io
import json
import os
import random
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import kamld
from kamld_content import digest_bytes
from kamld_testing.platform import Platform, kamld_command

pytestmark = pytest.mark.integration


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def eventually(check: Any, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("not indexed in time")
        time.sleep(0.2)


def cli(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(platform.home / "client"),
    }
    return subprocess.run(
        kamld_command(*args), env=env, capture_output=True, text=True, timeout=120, check=False
    )


def search(platform: Platform, **params: Any) -> httpx.Response:
    return httpx.get(f"{platform.gateway}/api/v1/search", params=params, headers=platform.auth, timeout=30)


def test_pushed_files_are_searchable_and_one_image_is_recalled_everywhere(
    platform: Platform, tmp_path: Path
) -> None:
    u = secrets.token_hex(3)
    secret = b"\x89PNG\r\n\x1a\n" + random.Random(u).randbytes(2000)
    client = kamld.Client(platform.gateway, platform.token)
    source = write_tree(
        tmp_path / "faces",
        {
            f"images/person-{u}.png": secret,
            "images/other.png": b"\x89PNG other" + u.encode(),
            "faces.csv": b"image\n",
        },
    )
    v1 = client.push(
        source, f"faces-{u}", f"portraits batch {u}", kind="dataset", labels={"team": f"vision{u}"}
    )
    copy = client.push(
        write_tree(tmp_path / "copy", {f"renamed/x-{u}.png": secret}),
        f"faces-copy-{u}",
        "copied",
        kind="dataset",
    )
    split = client.push(
        write_tree(tmp_path / "split", {"test.txt": f"images/person-{u}.png\n".encode()}),
        f"faces-split-{u}",
        "30% test",
        kind="dataset",
        inputs=[v1.ref],
    )
    model = client.push(
        write_tree(tmp_path / "model", {"weights.bin": b"w" + u.encode()}),
        f"detector-{u}",
        "trained",
        kind="model",
        inputs=[(split.ref, "train")],
    )
    client.alias_set(f"detector-{u}", "production", model.ref)

    # The file path is searchable once metadata-hub's workers have read the manifest.
    def file_hits() -> list[dict[str, Any]]:
        answer = search(platform, q=f"person-{u}.png", type="file")
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    [hit] = eventually(file_hits)
    assert hit["ref"] == f"faces-{u}:v1/images/person-{u}.png"
    span = hit["highlights"][0]["spans"][0]
    assert hit["highlights"][0]["text"][span[0] : span[1]] == "person"

    page = search(platform, q=f"portraits {u}").json()
    assert page["items"][0]["ref"] == f"faces-{u}:v1"
    assert page["facets"]["label"] == [{"key": "team", "value": f"vision{u}", "count": 1}]

    found = cli(platform, "search", f"faces-{u}", "--type", "artifact", "--json")
    assert found.returncode == 0, found.stderr
    assert [h["ref"] for h in json.loads(found.stdout)["items"]][0] == f"faces-{u}"

    bad = search(platform, q='"unclosed')
    assert bad.status_code == 422 and bad.json()["code"] == "search_syntax"
    refused = httpx.get(f"{platform.gateway}/api/v1/artifacts", params={"q": "cats"}, headers=platform.auth)
    assert refused.status_code == 422 and refused.json()["code"] == "use_search"

    # Recall: by the file's reference, and by its digest (the CLI), the same answer.
    def recalled() -> dict[str, Any] | None:
        answer = httpx.get(
            f"{platform.gateway}/api/v1/recall",
            params={"ref": f"faces-{u}:v1/images/person-{u}.png"},
            headers=platform.auth,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return body if len(body["contains"]) == 2 and body["complete"] else None

    body = eventually(recalled)
    assert body["digest"] == digest_bytes(secret)
    assert sorted((c["ref"], c["paths"][0]) for c in body["contains"]) == sorted(
        [(copy.ref, f"renamed/x-{u}.png"), (v1.ref, f"images/person-{u}.png")]
    )
    assert [(d["ref"], d["made_from"], d["role"]) for d in body["downstream"]] == [
        (split.ref, [v1.ref], "input"),
        (model.ref, [split.ref, v1.ref], "train"),
    ]
    assert {(a["artifact"], a["alias"], a["ref"]) for a in body["aliases"]} >= {
        (f"detector-{u}", "production", model.ref)
    }
    by_digest = cli(platform, "recall", "--digest", body["digest"], "--json")
    assert by_digest.returncode == 0, by_digest.stderr
    assert json.loads(by_digest.stdout)["downstream"] == body["downstream"]

    # A rebuild from the catalog finds the same things afterwards.
    assert cli(platform, "admin", "reindex").returncode == 0

    def rebuilt() -> bool:
        status = httpx.get(f"{platform.gateway}/api/v1/search/status", headers=platform.auth).json()
        return not status["backlog"]

    eventually(rebuilt)
    assert [h["ref"] for h in file_hits()] == [hit["ref"]]


def image(fmt: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (size[0] % 255, 10, 20)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_a_version_is_profiled_through_storage_gateway(platform: Platform, tmp_path: Path) -> None:
    u = secrets.token_hex(3)
    rows = "".join(f"{n},{['cat', 'dog'][n % 2]},{'' if n % 5 == 0 else n / 4}\n" for n in range(500))
    files = {
        "labels.csv": f"id,species,weight_{u}\n{rows}".encode(),
        "broken.parquet": b"not parquet",
        "images/a.png": image("PNG", (64, 48)),
        "images/b.png": image("PNG", (128, 48)),
        "images/c.jpg": image("JPEG", (32, 32)),
    }
    client = kamld.Client(platform.gateway, platform.token)
    pushed = client.push(write_tree(tmp_path / "zoo", files), f"zoo-{u}", "animals", kind="dataset")

    def profiled() -> Any:
        found = client.profile(pushed.ref)
        return found if found.status == "done" else None

    summary = eventually(profiled)
    tables = {t.path: t for t in summary.tables}
    assert (tables["labels.csv"].status, tables["labels.csv"].rows, tables["labels.csv"].columns) == (
        "ok",
        500,
        3,
    )
    assert tables["broken.parquet"].status == "unreadable"
    assert "does not parse as parquet" in (tables["broken.parquet"].reason or "")
    assert summary.images is not None
    assert summary.images["formats"] == {"png": 2, "jpeg": 1}
    assert (summary.images["width"]["min"], summary.images["width"]["max"]) == (32, 128)

    table = client.profile(f"{pushed.ref}/labels.csv")
    columns = {c["name"]: c for c in table.columns}
    assert columns[f"weight_{u}"]["nulls"] == 100 and columns[f"weight_{u}"]["max"] == 499 / 4
    assert columns["species"]["top_values"][:2] in (["cat", "dog"], ["dog", "cat"])

    shown = cli(platform, "show", pushed.ref)
    assert shown.returncode == 0, shown.stderr
    assert "labels.csv: 500 rows x 3 columns" in shown.stdout
    assert "images   3 (png 2, jpeg 1)" in shown.stdout
    profile_json = cli(platform, "profile", f"{pushed.ref}/labels.csv", "--json")
    assert json.loads(profile_json.stdout)["rows"] == 500

    def column_found() -> list[dict[str, Any]]:
        return search(platform, q=f"weight_{u}", type="column").json()["items"]

    [hit] = eventually(column_found)
    assert hit["ref"] == f"{pushed.ref}/labels.csv" and hit["title"] == f"weight_{u}"


def test_row_level_diff_of_a_table_between_versions(platform: Platform, tmp_path: Path) -> None:
    u = secrets.token_hex(3)
    name = f"labels-{u}"
    client = kamld.Client(platform.gateway, platform.token)
    old = "file,label\n" + "".join(f"img{n}.png,cat\n" for n in range(6))
    new = (
        "file,label,score\n"
        + "".join(f"img{n}.png,{'dog' if n == 2 else 'cat'},{n}\n" for n in range(6) if n != 4)
        + "img9.png,owl,9\n"
    )
    client.push(write_tree(tmp_path / "v1", {"labels.csv": old.encode()}), name, "v1", kind="dataset")
    client.push(write_tree(tmp_path / "v2", {"labels.csv": new.encode()}), name, "v2")

    def diffed() -> Any:
        try:
            return client.diff_rows(f"{name}:v1", "v2", "labels.csv", key="file")
        except kamld.errors.NotFound:  # the file lists are still being indexed
            return None

    keyed = eventually(diffed)
    assert [c.name for c in keyed.schema_changes.added] == ["score"]
    assert (keyed.counts.added, keyed.counts.removed, keyed.counts.changed) == (1, 1, 1)
    assert [(r.change, r.key, r.columns) for r in keyed.items] == [
        ("changed", "img2.png", ["label"]),
        ("removed", "img4.png", []),
        ("added", "img9.png", []),
    ]

    whole = client.diff_rows(f"{name}:v1", "v2", "labels.csv", limit=1)
    assert (whole.counts.added, whole.counts.removed, whole.counts.changed) == (2, 2, 0)
    assert len(whole.items) == 1 and whole.next == "1"

    shown = cli(platform, "diff", f"{name}:v1", f"{name}:v2", "--rows", "labels.csv", "--key", "file")
    assert shown.returncode == 0, shown.stderr
    assert "rows: 1 added, 1 removed, 1 changed" in shown.stdout
    assert "~ 'img2.png' label: 'cat' -> 'dog'" in shown.stdout

    bad = httpx.get(
        f"{platform.gateway}/api/v1/artifacts/{name}/diff/rows",
        params={"from": "v1", "to": "v2", "path": "labels.csv", "key": "nope"},
        headers=platform.auth,
    )
    assert bad.status_code == 422, bad.text
    assert ["query", "key"] in [error["loc"] for error in bad.json()["errors"]], bad.text
