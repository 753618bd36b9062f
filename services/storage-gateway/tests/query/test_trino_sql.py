"""The Trino engine's SQL, without a server: references rewritten to views where they are written
as tables (and nowhere else), the DDL that makes a pinned version readable over the S3 endpoint,
the limits in Trino's units, and the wrapper that lets Trino parse nothing but a query."""

from __future__ import annotations

import pyarrow as pa
import pytest

from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.query.engine import QueryFailed
from kamld_storage_gateway.query.references import ResolvedTable
from kamld_storage_gateway.query.sql import parse_reference
from kamld_storage_gateway.query.trino_engine import arrow_type
from kamld_storage_gateway.query.trino_sql import (
    data_size,
    folder,
    rewrite_references,
    table_ddl,
    trino_type,
    wrap,
)

DIGEST = "blake3:" + "0" * 64
VIEWS = {"faces:v1/labels.csv": '"kamld"."q"."v0"', "faces:v1/parts/*.parquet": '"kamld"."q"."v1"'}


def resolved(reference: str, fmt: str, paths: list[str], number: int = 3) -> ResolvedTable:
    parsed = parse_reference(reference)
    assert parsed is not None
    files = [FileEntry(path, 1, 0o644, DIGEST, [ChunkRef(DIGEST, 0, 1)]) for path in paths]
    return ResolvedTable(parsed, parsed.name, number, DIGEST, fmt, files)


def test_references_written_as_tables_become_views() -> None:
    sql = (
        "SELECT l.label, sum(p.score) FROM 'faces:v1/labels.csv' l\n"
        'JOIN "faces:v1/parts/*.parquet" AS p USING (id) GROUP BY 1'
    )
    assert rewrite_references(sql, VIEWS) == (
        'SELECT l.label, sum(p.score) FROM "kamld"."q"."v0" l\n'
        'JOIN "kamld"."q"."v1" AS p USING (id) GROUP BY 1'
    )


def test_from_lists_subqueries_and_ctes() -> None:
    sql = (
        "WITH x AS (SELECT * FROM 'faces:v1/labels.csv') "
        "SELECT * FROM x, 'faces:v1/parts/*.parquet' p WHERE p.id IN (SELECT id FROM 'faces:v1/labels.csv')"
    )
    assert rewrite_references(sql, VIEWS) == (
        'WITH x AS (SELECT * FROM "kamld"."q"."v0") '
        'SELECT * FROM x, "kamld"."q"."v1" p WHERE p.id IN (SELECT id FROM "kamld"."q"."v0")'
    )


def test_the_same_text_as_a_value_or_in_a_comment_is_left_alone() -> None:
    sql = (
        "SELECT 'faces:v1/labels.csv' AS source, concat('a', 'faces:v1/labels.csv')"
        " -- FROM 'faces:v1/labels.csv'\n"
        "FROM 'faces:v1/labels.csv' WHERE label IN ('x', 'faces:v1/labels.csv')"
        " /* JOIN 'faces:v1/labels.csv' */"
    )
    rewritten = rewrite_references(sql, {"faces:v1/labels.csv": "V"})
    assert rewritten == sql.replace("\nFROM 'faces:v1/labels.csv'", "\nFROM V")


def test_quotes_inside_strings_do_not_confuse_the_tokenizer() -> None:
    sql = "SELECT 'it''s FROM ' AS s FROM 'faces:v1/labels.csv' WHERE note <> 'FROM ''faces:v1/labels.csv'''"
    assert rewrite_references(sql, {"faces:v1/labels.csv": "V"}) == (
        "SELECT 'it''s FROM ' AS s FROM V WHERE note <> 'FROM ''faces:v1/labels.csv'''"
    )


def test_a_reference_not_written_as_a_table_is_refused() -> None:
    with pytest.raises(QueryFailed) as refused:
        rewrite_references("SELECT 1 FROM (VALUES (1)) t(x)", {"faces:v1/labels.csv": "V"})
    assert "faces:v1/labels.csv" in refused.value.detail and refused.value.status == 422


def test_the_wrapper_admits_only_a_query() -> None:
    assert wrap("SELECT 1;\n") == "SELECT * FROM (\nSELECT 1\n) AS kamld_engine"
    # a trailing line comment cannot swallow the closing parenthesis
    assert wrap("SELECT 1 -- done").endswith("-- done\n) AS kamld_engine")


def test_csv_tables_are_text_in_hive_and_cast_in_the_view() -> None:
    table = resolved("faces:v1/labels.csv", "csv", ["labels.csv"])
    ddl = table_ddl("kamld", "q1", 0, table, pa.schema({"id": pa.int64(), "Label": pa.string()}))
    assert ddl.create_table == (
        'CREATE TABLE "kamld"."q1"."t0" ("id" varchar, "label" varchar) WITH '
        "(external_location = 's3://faces/v3/', format = 'CSV', skip_header_line_count = 1)"
    )
    assert ddl.create_view == (
        'CREATE VIEW "kamld"."q1"."v0" AS SELECT CAST(NULLIF("id", \'\') AS bigint) AS "id", "label" '
        'FROM "kamld"."q1"."t0" WHERE "$path" IN (\'s3://faces/v3/labels.csv\')'
    )
    assert ddl.view == '"kamld"."q1"."v0"'
    assert ddl.drop == ['DROP VIEW IF EXISTS "kamld"."q1"."v0"', 'DROP TABLE IF EXISTS "kamld"."q1"."t0"']


def test_parquet_keeps_its_types_and_reads_exactly_the_globbed_files() -> None:
    table = resolved("faces:v1/parts/*.parquet", "parquet", ["parts/a.parquet", "parts/b.parquet"], 7)
    arrow = pa.schema({"id": pa.int32(), "score": pa.float64(), "tags": pa.list_(pa.string())})
    ddl = table_ddl("kamld", "q", 1, table, arrow)
    assert '("id" integer, "score" double, "tags" array(varchar))' in ddl.create_table
    assert "external_location = 's3://faces/v7/parts/', format = 'PARQUET'" in ddl.create_table
    assert ddl.create_view.endswith(
        "WHERE \"$path\" IN ('s3://faces/v7/parts/a.parquet', 's3://faces/v7/parts/b.parquet')"
    )


def test_tsv_and_json_lines() -> None:
    tsv = table_ddl("k", "q", 0, resolved("a:v1/x.tsv", "tsv", ["x.tsv"]), pa.schema({"a": pa.string()}))
    assert "csv_separator = '\t'" in tsv.create_table
    jsonl = table_ddl(
        "k", "q", 0, resolved("a:v1/x.jsonl", "json", ["x.jsonl"]), pa.schema({"a": pa.int64()})
    )
    assert '("a" bigint) WITH' in jsonl.create_table and "format = 'JSON'" in jsonl.create_table


def test_quotes_in_names_and_paths_are_escaped() -> None:
    table = resolved("a:v1/it's/x.csv", "csv", ["it's/x.csv"])
    ddl = table_ddl("k", "q", 0, table, pa.schema({'we"ird': pa.string()}))
    assert '"we""ird" varchar' in ddl.create_table
    assert "'s3://a/v3/it''s/'" in ddl.create_table and "'s3://a/v3/it''s/x.csv'" in ddl.create_view


def test_the_folder_of_a_set_of_files() -> None:
    assert folder(["labels.csv"]) == ""
    assert folder(["parts/a.parquet", "parts/b.parquet"]) == "parts/"
    assert folder(["logs/2024/a.jsonl", "logs/2025/b.jsonl"]) == "logs/"
    assert folder(["a/b/c.csv", "a/bc.csv"]) == "a/"


def test_types_trino_cannot_read_are_refused_naming_the_column() -> None:
    assert trino_type(pa.timestamp("us"), "t") == "timestamp(6)"
    assert trino_type(pa.decimal128(10, 2), "d") == "decimal(10,2)"
    assert trino_type(pa.struct({"x": pa.int64()}), "s") == 'row("x" bigint)'
    with pytest.raises(QueryFailed) as refused:
        trino_type(pa.dictionary(pa.int8(), pa.string()), "category")
    assert "category" in refused.value.detail


def test_memory_limits_in_trinos_units() -> None:
    assert data_size("1GB") == "1000000000B"
    assert data_size("256MB") == "256000000B"
    assert data_size("1GiB") == f"{1 << 30}B"
    assert data_size("512") == "512B"
    with pytest.raises(ValueError):
        data_size("lots")


def test_result_types() -> None:
    assert arrow_type("bigint") == pa.int64()
    assert arrow_type("varchar(10)") == pa.string()
    assert arrow_type("decimal(10,2)") is None  # inferred from the values (Decimal)


def test_an_unreachable_trino_is_a_503_not_a_500() -> None:
    import socket

    from kamld_common.errors import Unavailable
    from kamld_storage_gateway.query.engine import Limits
    from kamld_storage_gateway.query.trino_engine import TrinoEngine

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = TrinoEngine(f"http://127.0.0.1:{port}")
    with pytest.raises(Unavailable) as down:
        engine.run("SELECT 1", [], Limits(max_rows=10, time_s=2, memory="64MB", threads=1))
    assert down.value.status == 503 and "unreachable" in down.value.detail


def test_the_trino_engine_needs_its_url() -> None:
    from kamld_common.errors import Invalid
    from kamld_storage_gateway.config import Settings
    from kamld_storage_gateway.query.factory import create_engine

    with pytest.raises(Invalid) as refused:
        create_engine(Settings(query_engine="trino"))
    assert refused.value.extra["errors"][0]["loc"] == ["query_trino_url"]
    assert create_engine(Settings(query_engine="trino", query_trino_url="http://trino:8080")).name == "trino"


def test_a_memory_limit_trino_cannot_read_is_refused_at_start() -> None:
    from kamld_common.errors import Invalid
    from kamld_storage_gateway.config import Settings
    from kamld_storage_gateway.query.factory import create_engine

    settings = Settings(query_engine="trino", query_trino_url="http://trino:8080", query_memory_limit="lots")
    with pytest.raises(Invalid) as refused:
        create_engine(settings)
    assert refused.value.extra["errors"][0]["loc"] == ["query_memory_limit"]
