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


def whole_file_uploads(platform: Platform) -> float:
    return requests_served(platform.urls["storage-gateway"], "/uploads/{upload_id}/files/{path:path}", "PUT")


def test_a_split_uploads_nothing_and_gives_the_client_side_split_digest(
    platform: Platform, images: str
) -> None:
    """storage-gateway stages the files (``split-files``): no chunk or file is sent, and the manifest
    is the one the SDK committed when it split on the client (the shared partition, same seed)."""
    import kamld
    from kamld import derive

    sent = chunk_uploads(platform), whole_file_uploads(platform)
    made = split_json(platform, f"{images}:v1", "--test", "0.2", "--seed", "5", "--output", f"{images}-pin")
    assert (chunk_uploads(platform), whole_file_uploads(platform)) == sent
    again = split_json(platform, f"{images}:v1", "--test", "0.2", "--seed", "5", "--output", f"{images}-pin2")
    assert again["digest"] == made["digest"]
    with kamld.Client(platform.gateway, platform.token) as client:
        source = client.show(f"{images}:v1")
        entries = list(derive.manifest_entries(client, source.digest))
        parts = derive.split_entries(entries, test=0.2, val=0, seed=5)
        moved = [entry.moved(f"{part}/{entry.path}") for part, chosen in parts.items() for entry in chosen]
        assert derive.commit(client, moved) == made["digest"]
    assert version(platform, made["ref"])["metadata"]["split"]["counts"] == {"test": 10, "train": 41}


def test_bad_file_splits_are_4xx_naming_the_source_or_field(platform: Platform, images: str) -> None:
    session = httpx.post(f"{platform.gateway}/api/v1/uploads", headers=platform.auth, timeout=30).json()["id"]
    url = f"{platform.gateway}/api/v1/uploads/{session}/split-files"

    def post(body: dict) -> httpx.Response:
        return httpx.post(url, json=body, headers=platform.auth, timeout=30)

    unknown = post({"source": f"{images}-none:v1", "test": 0.3})
    assert unknown.status_code == 404 and f"{images}-none:v1" in unknown.json()["detail"]
    for body, field in [
        ({"source": images, "test": 1.5}, ["body", "test"]),
        ({"source": images, "test": 0.5, "val": 0.5}, ["body", "val"]),
        ({"source": images, "test": 0.3, "exclude": ["absent.csv"]}, ["body", "exclude"]),
    ]:
        answer = post(body)
        assert answer.status_code == 422, answer.text
        assert field in [error["loc"] for error in answer.json()["errors"]]
    done = post({"source": f"{images}:v1", "test": 0.3, "exclude": ["labels.csv"]})
    assert done.status_code == 200 and done.json()["counts"] == {"test": 15, "train": 35}


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


# Row-level splits of tables ------------------------------------------------------------------------


def content(platform: Platform, ref: str, path: str) -> bytes:
    name, _, number = ref.partition(":")
    url = f"{platform.gateway}/api/v1/artifacts/{name}/versions/{number}/files/{path}"
    answer = httpx.get(url, headers=platform.auth, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.content


def split_json(platform: Platform, *args: str) -> dict:
    done = cli(platform, "split", *args, "--json")
    assert done.returncode == 0, done.stderr
    made: dict = json.loads(done.stdout)
    return made


@pytest.fixture(scope="module")
def table(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> str:
    """v1: rows.csv alone, 100 rows: 60 labelled a, 40 b; ids written as text ("007") and an empty
    field, which must come back as written."""
    name = f"rows-{secrets.token_hex(3)}"
    root = tmp_path_factory.mktemp("rows")
    lines = ["id,label,note"] + [
        f"{i:03d},{'a' if i % 5 < 3 else 'b'},{'' if i == 7 else f'n {i}'}" for i in range(100)
    ]
    (root / "rows.csv").write_text("\n".join(lines) + "\n")
    assert cli(platform, "push", str(root), name).returncode == 0
    return name


def test_a_table_is_split_by_rows_stratified_and_deterministic(platform: Platform, table: str) -> None:
    uploads = chunk_uploads(platform)
    args = ("--test", "0.3", "--val", "0.1", "--seed", "7", "--stratify", "label")
    made = split_json(platform, f"{table}:v1", *args)
    assert sorted(files(platform, made["ref"])) == ["test/rows.csv", "train/rows.csv", "val/rows.csv"]
    source = content(platform, f"{table}:v1", "rows.csv").decode().splitlines()
    parts = {
        p: content(platform, made["ref"], f"{p}/rows.csv").decode().splitlines()
        for p in ("train", "test", "val")
    }
    assert all(lines[0] == "id,label,note" for lines in parts.values())  # the header is kept
    rows = {p: lines[1:] for p, lines in parts.items()}
    # every row lands in exactly one part, written as it was
    assert sorted(rows["train"] + rows["test"] + rows["val"]) == sorted(source[1:])
    assert "007,a," in rows["train"] + rows["test"] + rows["val"]
    # stratified: each label is split alike (a: 18 test, 6 val of 60; b: 12 test, 4 val of 40)
    for part, (a, b) in {"test": (18, 12), "val": (6, 4), "train": (36, 24)}.items():
        labels = [row.split(",")[1] for row in rows[part]]
        assert (labels.count("a"), labels.count("b")) == (a, b), part
    # each part keeps the file's order
    assert all(lines == sorted(lines) for lines in rows.values())
    recorded = version(platform, made["ref"])
    assert [(i["ref"], i["role"]) for i in recorded["inputs"]] == [(f"{table}:v1", "split_of")]
    assert recorded["metadata"]["split"]["rows"] == {"rows.csv": {"train": 60, "test": 30, "val": 10}}

    again = split_json(platform, f"{table}:v1", *args, "--output", f"{table}-again")
    assert again["digest"] == made["digest"]
    other = split_json(platform, f"{table}:v1", *args[:-2], "--seed", "8", "--output", f"{table}-other")
    assert other["digest"] != made["digest"]
    assert chunk_uploads(platform) == uploads  # the client uploaded nothing


def test_named_tables_by_rows_and_the_other_files_whole(
    platform: Platform, images: str, tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = f"mixed-{secrets.token_hex(3)}"
    for i in range(10):
        (tmp_path / "img" / f"{i}.png").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "img" / f"{i}.png").write_bytes(f"png {i}".encode())
    pq.write_table(
        pa.table({"id": list(range(40)), "score": [i / 2 for i in range(40)]}), tmp_path / "scores.parquet"
    )
    assert cli(platform, "push", str(tmp_path), name).returncode == 0
    made = split_json(platform, f"{name}:v1", "--test", "0.25", "--seed", "1", "--table", "scores.parquet")
    paths = files(platform, made["ref"])
    assert {p for p in paths if p.endswith(".parquet")} == {"train/scores.parquet", "test/scores.parquet"}
    assert (
        sum(p.endswith(".png") for p in paths) == 10 and sum(p.startswith("test/img/") for p in paths) == 3
    )  # round(2.5) half up
    import io

    read = {
        p: pq.read_table(io.BytesIO(content(platform, made["ref"], f"{p}/scores.parquet")))
        for p in ("train", "test")
    }
    assert read["test"].num_rows == 10 and read["train"].num_rows == 30
    assert sorted(read["train"]["id"].to_pylist() + read["test"]["id"].to_pylist()) == list(range(40))
    assert read["test"].schema.field("score").type == pa.float64()


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"test": 0.3, "stratify": "colour"}, ["body", "stratify"], "column_not_found"),
        ({"test": 0.6, "val": 0.5}, ["body", "val"], "invalid_split"),
        ({"test": 1.5}, ["body", "test"], None),
        ({"test": 0.3, "table": "{images}:v1/img/000.png"}, ["body", "table"], "not_a_table"),
        ({"test": 0.3, "table": "{images}:v1/nothing.csv"}, ["body", "table"], "file_not_found"),
        ({"test": 0.3, "table": "{images}:v1/img/*.png"}, ["body", "table"], "invalid_reference"),
        ({"test": 0.3, "table": "{images}:v9/labels.csv"}, ["body", "table"], "reference_not_found"),
    ],
)
def test_bad_row_splits_are_4xx_naming_the_field(
    platform: Platform, table: str, images: str, body: dict, field: list[str], code: str | None
) -> None:
    session = httpx.post(f"{platform.gateway}/api/v1/uploads", headers=platform.auth, timeout=30).json()["id"]
    sent = {"table": f"{table}:v1/rows.csv", **body}
    sent["table"] = sent["table"].format(images=images)
    answer = httpx.post(
        f"{platform.gateway}/api/v1/uploads/{session}/split-table",
        json=sent,
        headers=platform.auth,
        timeout=30,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert field in [error["loc"] for error in problem["errors"]]
    if code:
        assert problem["code"] == code


def test_a_refused_row_split_records_nothing(platform: Platform, table: str) -> None:
    target = f"{table}-refused"
    refused = cli(
        platform, "split", f"{table}:v1", "--test", "0.3", "--stratify", "colour", "--output", target
    )
    assert refused.returncode != 0 and "colour" in refused.stderr
    missing = httpx.get(f"{platform.gateway}/api/v1/artifacts/{target}", headers=platform.auth, timeout=30)
    assert missing.status_code == 404
