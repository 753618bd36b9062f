"""``kamld://`` as an fsspec filesystem found by its entry point: pandas, pyarrow and polars read
versions by URL; ls, info, glob and ranged reads; references are pinned to exact versions; the
filesystem refuses writes."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.dataset as pds
import pyarrow.parquet as pq
import pytest

from kamld_testing.platform import Platform, kamld_command

pytestmark = pytest.mark.integration
LABELS = b"id,label\n1,cat\n2,dog\n3,cat\n"


@pytest.fixture(scope="module")
def platform(limited_platform: Platform) -> Platform:
    return limited_platform


@pytest.fixture(scope="module")
def env(platform: Platform) -> Iterator[None]:
    """The SDK finds the platform through KAMLD_URL and KAMLD_TOKEN, as in a notebook."""
    saved = {k: os.environ.get(k) for k in ("KAMLD_URL", "KAMLD_TOKEN")}
    os.environ["KAMLD_URL"], os.environ["KAMLD_TOKEN"] = platform.gateway, platform.token
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def push(platform: Platform, root: Path, name: str, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    environ |= {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(root.parent)}
    done = subprocess.run(kamld_command("push", str(root), name), env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.fixture(scope="module")
def name(platform: Platform, env: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    artifact = f"fs-{secrets.token_hex(3)}"
    push(
        platform,
        tmp_path_factory.mktemp("fs") / "v1",
        artifact,
        {
            "labels.csv": LABELS,
            "parts/a.parquet": parquet(pa.table({"id": [1, 2], "score": [0.5, 1.5]})),
            "parts/b.parquet": parquet(pa.table({"id": [3], "score": [4.0]})),
            "img/x/1.png": b"0123456789",
        },
    )
    return artifact


def test_the_entry_point_registers_the_protocol(name: str) -> None:
    fs = fsspec.filesystem("kamld")
    assert type(fs).__module__ == "kamld.filesystem"
    assert fs.ls(f"{name}:v1", detail=False) == [
        f"{name}:v1/img",
        f"{name}:v1/labels.csv",
        f"{name}:v1/parts",
    ]
    assert fs.info(f"kamld://{name}/labels.csv")["size"] == len(LABELS)
    assert fs.info(f"{name}:v1/img")["type"] == "directory"
    assert fs.glob(f"{name}:v1/**/*.parquet") == [f"{name}:v1/parts/a.parquet", f"{name}:v1/parts/b.parquet"]
    assert fs.cat_file(f"{name}:v1/img/x/1.png", start=3, end=6) == b"345"
    with fsspec.open(f"kamld://{name}:v1/img/x/1.png", "rb") as handle:
        handle.seek(8)
        assert handle.read() == b"89"
    with pytest.raises(FileNotFoundError):
        fs.info(f"{name}:v1/nope.csv")
    with pytest.raises(PermissionError):
        fsspec.open(f"kamld://{name}:v1/new.csv", "wb").open()


def test_pandas_pyarrow_and_polars_read_by_url(name: str) -> None:
    import pandas as pd
    import polars as pl

    frame = pd.read_csv(f"kamld://{name}:v1/labels.csv")
    assert frame["label"].tolist() == ["cat", "dog", "cat"]
    assert pd.read_parquet(f"kamld://{name}:v1/parts/a.parquet")["score"].tolist() == [0.5, 1.5]

    fs = fsspec.filesystem("kamld")
    dataset = pds.dataset(f"{name}:v1/parts", filesystem=fs, format="parquet")
    assert sorted(dataset.to_table().column("id").to_pylist()) == [1, 2, 3]

    with fsspec.open(f"kamld://{name}:v1/labels.csv", "rb") as handle:
        polars_frame = pl.read_csv(handle.read())
    assert polars_frame["label"].to_list() == ["cat", "dog", "cat"]
    with fsspec.open(f"kamld://{name}:v1/parts/b.parquet", "rb") as handle:
        assert pl.read_parquet(handle)["score"].to_list() == [4.0]


def test_a_reference_is_pinned_when_first_met(platform: Platform, name: str, tmp_path: Path) -> None:
    fs = fsspec.filesystem("kamld", skip_instance_cache=True)
    assert fs.cat_file(f"{name}/labels.csv").startswith(b"id,label\n1,cat")
    push(platform, tmp_path / "v2", name, {"labels.csv": b"id,label\n9,owl\n"})
    assert fs.cat_file(f"{name}/labels.csv").startswith(b"id,label\n1,cat")  # still v1 for this instance
    fresh = fsspec.filesystem("kamld", skip_instance_cache=True)
    assert fresh.cat_file(f"{name}/labels.csv") == b"id,label\n9,owl\n"
