"""One contract for every query engine: rows of a SELECT over tables named as the query wrote
them, a clear refusal of a bad query, and queries stopped at their time and memory limits.

DuckDB always runs it. Trino runs it when ``KAMLD_TEST_TRINO_URL`` names a coordinator: the suite
then starts a platform, pushes the tables to it, issues a viewer's S3 access key, and creates a
Hive catalog of its own on that Trino reading the platform's S3 endpoint
(:mod:`kamld_testing.trino`).
"""

from __future__ import annotations

import io
import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kamld_content.chunking import ChunkRef
from kamld_content.hashing import digest_bytes as hash_bytes
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.query.datasets import open_dataset
from kamld_storage_gateway.query.duckdb_engine import DuckDBEngine
from kamld_storage_gateway.query.engine import (
    Limits,
    QueryEngine,
    QueryFailed,
    QueryLimitReached,
    TableSource,
)
from kamld_storage_gateway.query.references import ResolvedTable
from kamld_storage_gateway.query.sql import parse_reference
from kamld_testing.platform import Platform, kamld_command
from kamld_testing.trino import SKIP_REASON, trino_url

LIMITS = Limits(max_rows=1000, time_s=2.0, memory="256MB", threads=1)


def entry(path: str, data: bytes) -> FileEntry:
    digest = hash_bytes(data)
    return FileEntry(path, len(data), 0o644, digest, [ChunkRef(digest, 0, len(data))] if data else [])


def source(
    reference: str, files: dict[str, bytes], fmt: str, index: int = 0, artifact: str | None = None
) -> TableSource:
    """``reference`` resolved to version 1 of ``artifact`` (default: the reference's name)."""
    parsed = parse_reference(reference)
    assert parsed is not None
    entries = [entry(path, data) for path, data in files.items()]
    table = ResolvedTable(parsed, artifact or parsed.name, 1, hash_bytes(b"manifest"), fmt, entries)
    by_digest = {e.digest: files[e.path] for e in entries}

    def read_range(file: FileEntry, start: int, end: int) -> bytes:
        return by_digest[file.digest][start:end]

    return TableSource(table, lambda: open_dataset(index, table, read_range))


def parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


TRINO_URL = trino_url()
FILES = {
    "labels.csv": b"id,label\n1,cat\n2,dog\n3,cat\n",
    "parts/a.parquet": parquet(pa.table({"id": [1, 2], "score": [0.5, 1.5]})),
    "parts/b.parquet": parquet(pa.table({"id": [3], "score": [4.0]})),
    "notes.jsonl": b'{"id": 3, "note": "dark"}\n',
}


@dataclass(frozen=True)
class Setup:
    """An engine, the artifact its tables live in, and the SQL of its dialect for the limit tests."""

    engine: QueryEngine
    artifact: str | None
    rows_5000: str
    endless: str
    memory_hungry: str


def duckdb_setup() -> Iterator[Setup]:
    yield Setup(
        DuckDBEngine(),
        None,
        "SELECT * FROM range(5000)",
        "SELECT count(*) FROM range(1000000000000) a",
        "SELECT list(i) FROM range(100000000) t(i)",
    )


def trino_setup(tmp_path: Path) -> Iterator[Setup]:
    import kamld
    from kamld_storage_gateway.query.trino_engine import TrinoEngine
    from kamld_testing.platform import clean_environment, running_platform
    from kamld_testing.trino import hive_catalog

    assert TRINO_URL
    data = tmp_path / "tables"
    for path, content in FILES.items():
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        (data / path).write_bytes(content)
    artifact = f"faces-{secrets.token_hex(3)}"
    with running_platform(tmp_path / "platform", clean_environment(), database="sqlite") as platform:
        with kamld.Client(platform.gateway, platform.token) as client:
            assert client.push(data, artifact).number == 1
        with hive_catalog(platform.urls["s3"], *_s3_key(platform)) as catalog:
            yield Setup(
                TrinoEngine(TRINO_URL, user="kamld-test", catalog=catalog),
                artifact,
                "SELECT * FROM UNNEST(sequence(1, 5000)) AS t(i)",
                "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) "
                "CROSS JOIN UNNEST(sequence(1, 10000)) b(y) "
                "CROSS JOIN UNNEST(sequence(1, 10000)) c(z) WHERE x * y <> z",
                "SELECT array_agg(x * y) FROM UNNEST(sequence(1, 10000)) a(x) "
                "CROSS JOIN UNNEST(sequence(1, 10000)) b(y)",
            )


def _s3_key(platform: Platform) -> tuple[str, str]:
    """A viewer's S3 access key, issued with ``kamld token create --s3``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(platform.home / "cli"),
    }
    created = subprocess.run(
        kamld_command("token", "create", "trino", "--role", "viewer", "--s3"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = dict(line.split(" = ", 1) for line in created.stdout.splitlines() if line.startswith("aws_"))
    return values["aws_access_key_id"], values["aws_secret_access_key"]


ENGINES: dict[str, Callable[..., Iterator[Setup]]] = {"duckdb": duckdb_setup, "trino": trino_setup}
"""Every engine of :mod:`kamld_storage_gateway.query.factory`; each must pass this whole suite."""


@pytest.fixture(
    scope="module",
    params=[
        "duckdb",
        pytest.param(
            "trino",
            marks=pytest.mark.skipif(not TRINO_URL, reason=SKIP_REASON),
        ),
    ],
)
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    if request.param == "duckdb":
        yield from duckdb_setup()
    else:
        yield from trino_setup(tmp_path_factory.mktemp("trino"))


@pytest.fixture
def engine(setup: Setup) -> QueryEngine:
    return setup.engine


@pytest.fixture
def tables(setup: Setup) -> list[TableSource]:
    def files(*paths: str) -> dict[str, bytes]:
        return {path: FILES[path] for path in paths}

    return [
        source("faces:v1/labels.csv", files("labels.csv"), "csv", 0, setup.artifact),
        source(
            "faces:v1/parts/*.parquet",
            files("parts/a.parquet", "parts/b.parquet"),
            "parquet",
            1,
            setup.artifact,
        ),
        source("faces:v1/notes.jsonl", files("notes.jsonl"), "json", 2, setup.artifact),
    ]


def test_rows_of_a_join_over_the_named_tables(engine: QueryEngine, tables: list[TableSource]) -> None:
    sql = (
        "SELECT l.label, sum(p.score) AS total, count(n.note) AS notes FROM 'faces:v1/labels.csv' l "
        "JOIN 'faces:v1/parts/*.parquet' p USING (id) LEFT JOIN 'faces:v1/notes.jsonl' n USING (id) "
        "GROUP BY 1 ORDER BY 1"
    )
    rows = engine.run(sql, tables, LIMITS)
    assert rows.to_pylist() == [
        {"label": "cat", "total": 4.5, "notes": 1},
        {"label": "dog", "total": 1.5, "notes": 0},
    ]


def test_at_most_one_row_past_the_row_limit(setup: Setup, tables: list[TableSource]) -> None:
    rows = setup.engine.run(setup.rows_5000, tables, LIMITS)
    assert rows.num_rows == LIMITS.max_rows + 1


def test_a_bad_query_is_refused_with_the_engines_reason(
    engine: QueryEngine, tables: list[TableSource]
) -> None:
    with pytest.raises(QueryFailed) as failed:
        engine.run("SELECT no_such_column FROM 'faces:v1/labels.csv'", tables, LIMITS)
    assert "no_such_column" in failed.value.detail and failed.value.status == 422


def test_a_query_past_its_time_limit_is_stopped(setup: Setup, tables: list[TableSource]) -> None:
    engine = setup.engine
    limits = Limits(max_rows=10, time_s=0.5, memory="256MB", threads=1)
    with pytest.raises(QueryLimitReached) as stopped:
        engine.run(setup.endless, tables, limits)
    assert stopped.value.code == "query_time_limit"
    assert engine.run("SELECT count(*) AS n FROM 'faces:v1/labels.csv'", tables, LIMITS).to_pylist() == [
        {"n": 3}
    ]


def test_a_query_past_its_memory_limit_is_stopped(setup: Setup, tables: list[TableSource]) -> None:
    limits = Limits(max_rows=10, time_s=30, memory="64MB", threads=1)
    with pytest.raises(QueryLimitReached) as stopped:
        setup.engine.run(setup.memory_hungry, tables, limits)
    assert stopped.value.code == "query_memory_limit"


def test_the_query_cannot_reach_files_or_settings(engine: QueryEngine, tables: list[TableSource]) -> None:
    """Behind the SQL check, the engine itself refuses: external access is off and locked."""
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM '/etc/hostname'"):
        with pytest.raises(QueryFailed):
            engine.run(sql, tables, LIMITS)
