"""One contract for every query engine: rows of a SELECT over tables named as the query wrote
them, a clear refusal of a bad query, and queries stopped at their time and memory limits."""

from __future__ import annotations

import io
from collections.abc import Callable

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

LIMITS = Limits(max_rows=1000, time_s=2.0, memory="256MB", threads=1)


def entry(path: str, data: bytes) -> FileEntry:
    digest = hash_bytes(data)
    return FileEntry(path, len(data), 0o644, digest, [ChunkRef(digest, 0, len(data))] if data else [])


def source(reference: str, files: dict[str, bytes], fmt: str, index: int = 0) -> TableSource:
    parsed = parse_reference(reference)
    assert parsed is not None
    entries = [entry(path, data) for path, data in files.items()]
    table = ResolvedTable(parsed, parsed.name, 1, hash_bytes(b"manifest"), fmt, entries)
    by_digest = {e.digest: files[e.path] for e in entries}

    def read_range(file: FileEntry, start: int, end: int) -> bytes:
        return by_digest[file.digest][start:end]

    return TableSource(table, lambda: open_dataset(index, table, read_range))


def parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


ENGINES: dict[str, Callable[[], QueryEngine]] = {"duckdb": DuckDBEngine}
"""Every engine of :mod:`kamld_storage_gateway.query.factory`; each must pass this whole suite."""


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> QueryEngine:
    return ENGINES[request.param]()


@pytest.fixture
def tables() -> list[TableSource]:
    return [
        source("faces:v1/labels.csv", {"labels.csv": b"id,label\n1,cat\n2,dog\n3,cat\n"}, "csv", 0),
        source(
            "faces:v1/parts/*.parquet",
            {
                "parts/a.parquet": parquet(pa.table({"id": [1, 2], "score": [0.5, 1.5]})),
                "parts/b.parquet": parquet(pa.table({"id": [3], "score": [4.0]})),
            },
            "parquet",
            1,
        ),
        source("faces:v1/notes.jsonl", {"notes.jsonl": b'{"id": 3, "note": "dark"}\n'}, "json", 2),
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


def test_at_most_one_row_past_the_row_limit(engine: QueryEngine, tables: list[TableSource]) -> None:
    rows = engine.run("SELECT * FROM range(5000)", tables, LIMITS)
    assert rows.num_rows == LIMITS.max_rows + 1


def test_a_bad_query_is_refused_with_the_engines_reason(
    engine: QueryEngine, tables: list[TableSource]
) -> None:
    with pytest.raises(QueryFailed) as failed:
        engine.run("SELECT no_such_column FROM 'faces:v1/labels.csv'", tables, LIMITS)
    assert "no_such_column" in failed.value.detail and failed.value.status == 422


def test_a_query_past_its_time_limit_is_stopped(engine: QueryEngine, tables: list[TableSource]) -> None:
    limits = Limits(max_rows=10, time_s=0.5, memory="256MB", threads=1)
    with pytest.raises(QueryLimitReached) as stopped:
        engine.run("SELECT count(*) FROM range(1000000000000) a", tables, limits)
    assert stopped.value.code == "query_time_limit"
    assert engine.run("SELECT count(*) AS n FROM 'faces:v1/labels.csv'", tables, LIMITS).to_pylist() == [
        {"n": 3}
    ]


def test_a_query_past_its_memory_limit_is_stopped(engine: QueryEngine, tables: list[TableSource]) -> None:
    limits = Limits(max_rows=10, time_s=30, memory="64MB", threads=1)
    with pytest.raises(QueryLimitReached) as stopped:
        engine.run("SELECT list(i) FROM range(100000000) t(i)", tables, limits)
    assert stopped.value.code == "query_memory_limit"


def test_the_query_cannot_reach_files_or_settings(engine: QueryEngine, tables: list[TableSource]) -> None:
    """Behind the SQL check, the engine itself refuses: external access is off and locked."""
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM '/etc/hostname'"):
        with pytest.raises(QueryFailed):
            engine.run(sql, tables, LIMITS)
