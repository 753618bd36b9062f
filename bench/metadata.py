"""metadata-hub's data features on a running platform, on SQLite and on PostgreSQL.

- **indexing**: file documents written to the platform's search engine in the workers' batches
  (the engine's share of indexing, paths/s), and a pushed version of many files followed until its
  last path is searchable (the whole pipeline: manifest read from storage-gateway, ``version_files``,
  search documents);
- **search**: artifacts and file paths seeded into the engine, then queries of several kinds
  through the gateway, one at a time (p50/p95 per kind), against the gateway's ``/healthz`` measured
  the same way in the same run;
- **recall**: file entries seeded into ``version_files`` over a lineage of versions, then
  ``GET /api/v1/recall`` through the gateway (p50/p95), against ``/healthz``;
- **profile**: the benchmark's CSV pushed and profiled by metadata-hub (time from the push's end
  until the profile is done, and metadata-hub's peak RSS), against DuckDB running the same
  profile on the same file on local disk, in the same run.

Sizes scale with ``--metadata-scale`` (1 = the targets: 100,000 artifacts, 1,000,000 paths,
1,000,000 recall entries, the 500 MB CSV; the default 0.1 is a tenth).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx

from kamld_metadata_hub.config import Settings
from kamld_metadata_hub.profiles.tabular import Limits, profile_table
from kamld_metadata_hub.search.factory import create_search_index
from kamld_metadata_hub.search.protocol import ArtifactFacts, DocType, SearchDocument

BATCH = 5000
QUERIES = 40


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def timed_gets(client: httpx.Client, url: str, params: dict[str, Any] | None, count: int) -> list[float]:
    """Latencies (ms) of ``count`` sequential GETs; any non-200 answer stops the benchmark."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, params=params)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} {params} answered {response.status_code}: {response.text[:300]}")
    return latencies


def metadata_hub_url(platform: Any, env: dict[str, str]) -> str:
    return env.get("KAMLD_METADATA_HUB_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{platform.home / 'metadata-hub' / 'db.sqlite3'}"
    )


def admin_client(platform: Any) -> httpx.Client:
    token = tomllib.loads((platform.home / "config").read_text())["token"]
    return httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=120)


async def seed_search(url: str, artifacts: int, paths: int) -> float:
    """Artifact and file documents into the engine; returns the file documents written per second."""
    engine = create_search_index(Settings(database_url=url))
    await engine.start()
    try:
        for start in range(0, artifacts, BATCH):
            await engine.upsert(
                [
                    SearchDocument(
                        key=f"artifact:bench-{n:06d}",
                        type=DocType.ARTIFACT,
                        artifact=f"bench-{n:06d}",
                        kind="model" if n % 5 == 0 else "dataset",
                        title=f"bench-{n:06d}",
                        body=f"collection {n % 997} of {['faces', 'cats', 'roads', 'scans'][n % 4]} images",
                    )
                    for n in range(start, min(artifacts, start + BATCH))
                ]
            )
        for n in range(0, artifacts, 100):
            await engine.set_artifact(ArtifactFacts(f"bench-{n:06d}", "dataset", {"team": f"team{n % 7}"}))
        started = time.perf_counter()
        for start in range(0, paths, BATCH):
            await engine.upsert(
                [
                    SearchDocument(
                        key=f"file:bench-{n % artifacts:06d}:1:images/{n // 1000:04d}/{n:07d}.jpg",
                        type=DocType.FILE,
                        artifact=f"bench-{n % artifacts:06d}",
                        kind="dataset",
                        version=1,
                        path=f"images/{n // 1000:04d}/{n:07d}.jpg",
                        title=f"images/{n // 1000:04d}/{n:07d}.jpg",
                    )
                    for n in range(start, min(paths, start + BATCH))
                ]
            )
        return paths / (time.perf_counter() - started)
    finally:
        await engine.close()


def bench_search(platform: Any, env: dict[str, str], engine: str, artifacts: int, paths: int) -> list[str]:
    rate = asyncio.run(seed_search(metadata_hub_url(platform, env), artifacts, paths))
    lines = [
        f"indexing on {engine}: {paths:,} file paths written to the search engine in batches of {BATCH}: "
        f"{rate:,.0f} paths/s (target 20,000)"
    ]
    probe = artifacts // 2
    queries = {
        "exact name": {"q": f"bench-{probe:06d}"},
        "words": {"q": "faces collection 42"},
        "prefix": {"q": "scan*", "type": "artifact"},
        "path": {"q": f"images/{probe // 1000 % 1000:04d}/{probe:07d}.jpg", "type": "file"},
        "label filter": {"q": "cats", "label": "team=team3"},
    }
    with admin_client(platform) as client:
        timed_gets(client, "/api/v1/search", queries["words"], 3)  # warm
        base = timed_gets(client, "/healthz", None, QUERIES)
        everything: list[float] = []
        parts = []
        for kind, params in queries.items():
            latencies = timed_gets(client, "/api/v1/search", params, QUERIES)
            everything += latencies
            parts.append(
                f"{kind} p50 {statistics.median(latencies):.1f} / p95 {percentile(latencies, 0.95):.1f} ms"
            )
    p95 = percentile(everything, 0.95)
    base_p95 = percentile(base, 0.95)
    lines.append(
        f"search through the gateway on {engine} ({artifacts:,} artifacts, {paths:,} file paths), "
        f"{QUERIES} sequential queries of each kind: p95 {p95:.1f} ms (target 50); "
        + "; ".join(parts)
        + f"; baseline GET /healthz p95 {base_p95:.1f} ms, ratio {p95 / base_p95:.1f}x"
    )
    return lines


def bench_pipeline(platform: Any, engine: str, files: int) -> str:
    """Push ``files`` small files and follow them until the last path is searchable."""
    tag = secrets.token_hex(3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        for n in range(files):
            path = root / f"d{n // 1000:03d}" / f"pipe{tag}-{n:06d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(str(n))
        platform.kamld("push", str(root), f"pipeline-{tag}", "-m", "pipeline", "--json")
    pushed = time.perf_counter()
    last = f"pipe{tag}-{files - 1:06d}.txt"
    with admin_client(platform) as client:
        while True:
            hits = client.get("/api/v1/search", params={"q": last, "type": "file"}).json().get("items", [])
            if hits:
                break
            if time.perf_counter() - pushed > 1800:
                raise RuntimeError("the pushed version was not indexed within 30 minutes")
            time.sleep(0.1)
    seconds = time.perf_counter() - pushed
    return (
        f"indexing pipeline on {engine}: a pushed version of {files:,} files searchable "
        f"{seconds:.1f} s after the push answered: {files / seconds:,.0f} paths/s "
        "(manifest read, version_files, search documents)"
    )


def internal_client(platform: Any) -> httpx.Client:
    token = (platform.home / "internal-token").read_text().strip()
    port = platform.port_base + 1
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"X-Kamld-Internal-Token": token}, timeout=120
    )


async def seed_version_files(url: str, version_ids: list[int], entries: int, target: str) -> None:
    from sqlalchemy import insert

    from kamld_common.db import Database
    from kamld_metadata_hub.models import VersionFile

    database = Database(url)
    try:
        for start in range(0, entries, BATCH):
            rows = [
                {
                    "version_id": version_ids[n % len(version_ids)],
                    "path": f"images/{n:07d}.png",
                    "digest": target if n < 10 else "blake3:" + f"{n:064x}",
                    "size": 1000,
                }
                for n in range(start, min(entries, start + BATCH))
            ]
            async with database.unit_of_work() as session:
                await session.execute(insert(VersionFile), rows)
    finally:
        await database.dispose()


def bench_recall(platform: Any, env: dict[str, str], engine: str, entries: int) -> str:
    """A dataset of 10 versions, a split and a model made from it; ``entries`` file rows over them."""
    tag = secrets.token_hex(3)
    target = "blake3:" + secrets.token_hex(32)
    ids = []
    with internal_client(platform) as hub:

        def push(name: str, kind: str, inputs: list[dict[str, str]]) -> dict[str, Any]:
            body = {
                "digest": "blake3:" + secrets.token_hex(32),
                "file_count": 1,
                "total_bytes": 1,
                "kind": kind,
            }
            response = hub.post(f"/artifacts/{name}/versions", json={**body, "inputs": inputs})
            response.raise_for_status()
            return response.json()

        versions = [push(f"recall-data-{tag}", "dataset", []) for _ in range(10)]
        split = push(f"recall-split-{tag}", "dataset", [{"ref": versions[-1]["ref"], "role": "input"}])
        model = push(f"recall-model-{tag}", "model", [{"ref": split["ref"], "role": "train"}])
        hub.put(f"/artifacts/recall-model-{tag}/aliases/production", json={"version": model["name"]})
        resolved = hub.get("/resolve", params={"ref": versions[0]["ref"]}).json()
        assert resolved["digest"] == versions[0]["digest"]
    url = metadata_hub_url(platform, env)
    ids = asyncio.run(_version_ids(url, [v["digest"] for v in versions]))
    asyncio.run(seed_version_files(url, ids, entries, target))
    with admin_client(platform) as client:
        answer = client.get("/api/v1/recall", params={"digest": target}).json()
        if not any(a["alias"] == "production" for a in answer["aliases"]):
            raise RuntimeError(f"recall missed the production model: {json.dumps(answer)[:500]}")
        base = timed_gets(client, "/healthz", None, QUERIES)
        latencies = timed_gets(client, "/api/v1/recall", {"digest": target}, QUERIES)
    p95 = percentile(latencies, 0.95)
    return (
        f"recall through the gateway on {engine} over {entries:,} file entries (10 versions holding the "
        f"content, a split and a production model downstream): p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms (target 200); baseline GET /healthz p95 {percentile(base, 0.95):.1f} ms, "
        f"ratio {p95 / percentile(base, 0.95):.1f}x"
    )


async def _version_ids(url: str, digests: list[str]) -> list[int]:
    from sqlalchemy import select

    from kamld_common.db import Database
    from kamld_metadata_hub.models import Version

    database = Database(url)
    try:
        async with database.unit_of_work() as session:
            return list(await session.scalars(select(Version.id).where(Version.digest.in_(digests))))
    finally:
        await database.dispose()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_profile(platform: Any, engine: str, table: Path) -> str:
    from fsspec.implementations.local import LocalFileSystem

    class LocalAsKamld(LocalFileSystem):
        protocol = "kamld"

        @classmethod
        def _strip_protocol(cls, path: Any) -> Any:
            return "/" + str(path).removeprefix("kamld://").lstrip("/")

    size = table.stat().st_size
    started = time.perf_counter()
    local = profile_table(LocalAsKamld(), f"kamld://{table}", table.name, size, Limits(max_bytes=size + 1))
    local_s = time.perf_counter() - started

    name = f"profile-{secrets.token_hex(3)}"
    platform.kamld("push", str(table.parent), name, "-m", "table", "--json")
    pushed = time.perf_counter()
    with admin_client(platform) as client:
        while True:
            body = client.get(f"/api/v1/artifacts/{name}/versions/latest/profile").json()
            if body.get("status") == "done":
                break
            if time.perf_counter() - pushed > 1800:
                raise RuntimeError("the table was not profiled within 30 minutes")
            time.sleep(0.2)
    hub_s = time.perf_counter() - pushed
    [summary] = [t for t in body["tables"] if t["path"] == table.name]
    if summary["rows"] != local.rows:
        raise RuntimeError(f"metadata-hub profiled {summary['rows']} rows, DuckDB on disk {local.rows}")
    rss = peak_rss_mb(platform.service_pids()["metadata-hub"])
    return (
        f"profile of the {size / 1e6:.0f} MB CSV on {engine}: metadata-hub (through storage-gateway, "
        f"after the push) {hub_s:.1f} s, DuckDB on the local file {local_s:.1f} s, "
        f"ratio {hub_s / local_s:.2f}x "
        f"(target 1.5); metadata-hub peak RSS {rss:.0f} MB (target 500); {summary['rows']:,} rows"
    )


def run(
    work: Path,
    port_base: int,
    scale: float,
    platform_for: Callable[[Path, int, dict[str, str]], AbstractContextManager[Any]],
    engines: Sequence[tuple[str, Callable[[], AbstractContextManager[Any]]]],
    make_table: Callable[[Path, float], Path],
) -> list[str]:
    artifacts = max(100, int(100_000 * scale))
    paths = max(1000, int(1_000_000 * scale))
    pipeline_files = max(200, int(20_000 * scale))
    table = make_table(work / "data", scale)
    lines: list[str] = []
    for engine, context in engines:
        try:
            with context() as env:
                env = {**env, "KAMLD_METADATA_HUB_PROFILE_MAX_BYTES": str(4 << 30)}
                with platform_for(work / f"home-metadata-{engine}", port_base, env) as platform:
                    lines += bench_search(platform, env, engine, artifacts, paths)
                    lines.append(bench_pipeline(platform, engine, pipeline_files))
                    lines.append(bench_recall(platform, env, engine, paths))
                    lines.append(bench_profile(platform, engine, table))
        except Exception as exc:  # noqa: BLE001 - one engine failing should not hide the other's figures
            print(f"metadata on {engine}: failed: {exc}", file=sys.stderr)
            continue
    lines.append(f"(load average {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs)")
    return lines
