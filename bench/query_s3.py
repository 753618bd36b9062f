"""SQL over versions and the S3 endpoint against their local baselines, in the same run.

- a GROUP BY over the tabular profile's CSV (about 500 MB) through ``POST /api/v1/query``,
  against DuckDB reading the same file from local disk;
- GetObject of one 256 MiB file of the few-large profile through the S3 endpoint (boto3, to a
  file), against ``kamld pull`` of that file into an empty directory;
- (part ``split``) ``kamld split`` of the many-small profile's 20,000 files.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from bench.datasets import GENERATORS
from bench.measure import mb

if TYPE_CHECKING:
    from bench.__main__ import Platform

GROUP_BY = "SELECT label, count(*) AS n, avg(score) AS mean_score FROM {table} GROUP BY 1 ORDER BY 1"


def _drop_page_cache() -> None:
    """Best effort: DuckDB on a local file and the platform's chunk store both start cold."""
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        pass


def bench_query(platform: Platform, data: Path, scale: float, work: Path) -> list[str]:
    import duckdb

    profile = GENERATORS["tabular"](data, scale)
    csv = profile.v1 / "table.csv"
    platform.kamld("push", str(profile.v1), "bench-tabular", "-m", "bench")
    token = _token(platform)

    _drop_page_cache()
    started = time.perf_counter()
    with duckdb.connect() as con:
        local = con.execute(GROUP_BY.format(table=f"read_csv('{csv}')")).fetchall()
    local_s = time.perf_counter() - started

    _drop_page_cache()
    started = time.perf_counter()
    answer = httpx.post(
        f"{platform.url}/api/v1/query",
        json={"sql": GROUP_BY.format(table="'bench-tabular:v1/table.csv'"), "limit": 100},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )
    remote_s = time.perf_counter() - started
    answer.raise_for_status()
    remote = [(r["label"], r["n"]) for r in answer.json()["items"]]
    same = remote == [(row[0], row[1]) for row in local]
    return [
        f"query: GROUP BY over {mb(profile.bytes_v1):.0f} MB CSV: DuckDB on the local file {local_s:.2f} s, "
        f"POST /api/v1/query {remote_s:.2f} s, ratio {remote_s / local_s:.2f}x (target <= 1.5x); "
        f"same counts: {same}"
    ]


def bench_s3_get(platform: Platform, data: Path, scale: float, work: Path) -> list[str]:
    import boto3
    from botocore.config import Config

    profile = GENERATORS["few-large"](data, scale)
    name = "large-0.bin"
    size = (profile.v1 / name).stat().st_size
    one = work / "s3-source"  # only the one file, linked (not copied) from the profile's data
    shutil.rmtree(one, ignore_errors=True)
    one.mkdir(parents=True)
    os.link(profile.v1 / name, one / name)
    platform.kamld("push", str(one), "bench-large", "-m", "bench")
    created = platform.kamld(
        "token", "create", f"bench-s3-{int(time.time())}", "--role", "viewer", "--s3"
    ).stdout
    key_id = re.search(r"aws_access_key_id = (\S+)", created)
    secret = re.search(r"aws_secret_access_key = (\S+)", created)
    assert key_id and secret, created
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{platform.port_base + 5}",
        aws_access_key_id=key_id[1],
        aws_secret_access_key=secret[1],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )
    target = work / "s3-get"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _drop_page_cache()
    started = time.perf_counter()
    body = s3.get_object(Bucket="bench-large", Key=f"v1/{name}")["Body"]
    with (target / name).open("wb") as fh:
        for piece in body.iter_chunks(1 << 20):
            fh.write(piece)
    s3_s = time.perf_counter() - started
    ok = (target / name).stat().st_size == size

    pulled = work / "s3-pull"
    shutil.rmtree(pulled, ignore_errors=True)
    _drop_page_cache()
    pull = platform.kamld("pull", f"bench-large:v1/{name}", str(pulled))
    s3_mbs, pull_mbs = mb(size) / s3_s, mb(size) / pull.seconds
    return [
        f"s3: GetObject of {mb(size):.0f} MB {s3_mbs:.0f} MB/s ({s3_s:.2f} s, complete: {ok}), "
        f"kamld pull {pull_mbs:.0f} MB/s ({pull.seconds:.2f} s): "
        f"{s3_mbs / pull_mbs:.0%} of pull (target >= 70%)"
    ]


def _token(platform: Platform) -> str:
    config = (platform.home / "config").read_text()
    found = re.search(r'token\s*=\s*"([^"]+)"', config)
    assert found, "no token in the platform's config"
    return found[1]


def run(platform: Platform, data: Path, scale: float, work: Path, parts: tuple[str, ...]) -> None:
    benches = {"query": (bench_query, bench_s3_get), "split": (bench_split,)}
    for part in parts:
        for bench in benches[part]:
            for line in bench(platform, data, scale, work):
                print(line, flush=True)


def bench_split(platform: Platform, data: Path, scale: float, work: Path) -> list[str]:
    """``kamld split`` of the many-small profile (20,000 files): seconds, and chunk bytes uploaded
    (counted by storage-gateway itself)."""
    from kamld_testing.processes import requests_served

    profile = GENERATORS["many-small"](data, scale)
    shutil.rmtree(profile.v1 / ".kamld", ignore_errors=True)  # a working copy's state from a past run
    files = sum(1 for path in profile.v1.rglob("*") if path.is_file())
    platform.kamld("push", str(profile.v1), "bench-small", "-m", "bench")
    shutil.rmtree(profile.v1 / ".kamld", ignore_errors=True)
    storage = f"http://127.0.0.1:{platform.port_base + 2}"
    uploads = requests_served(storage, "/uploads/{upload_id}/chunks", "POST")
    stored = platform.stored_bytes()
    split = platform.kamld("split", "bench-small:v1", "--test", "0.3", "--val", "0.1", "--seed", "1")
    sent = requests_served(storage, "/uploads/{upload_id}/chunks", "POST") - uploads
    return [
        f"split: {files} files in {split.seconds:.2f} s (target < 2 s, the CLI's start included); "
        f"chunk uploads during the split: {sent:.0f}; "
        f"object store grew by {platform.stored_bytes() - stored} B (the new manifest only)"
    ]
