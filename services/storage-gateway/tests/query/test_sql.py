"""The query check: only a single read-only SELECT over version references passes, and each
refusal names its problem (so the API can answer a 422 before anything runs)."""

from __future__ import annotations

import pytest

from kamld_common.errors import Invalid
from kamld_storage_gateway.query.references import glob_pattern, table_format
from kamld_storage_gateway.query.sql import check_query, parse_reference


def refs(sql: str) -> list[tuple[str, str, str]]:
    return [(r.name, r.ref, r.path) for r in check_query(sql).references]


def test_references_are_found_wherever_they_are_written() -> None:
    sql = (
        "WITH recent AS (SELECT * FROM 'faces:v2/labels.csv') "
        'SELECT * FROM recent JOIN "faces:production/parts/*.parquet" p USING (id) '
        "WHERE id IN (SELECT id FROM 'other/x.jsonl') UNION ALL SELECT * FROM 'faces:v2/labels.csv'"
    )
    assert refs(sql) == [
        ("faces", "v2", "labels.csv"),
        ("faces", "production", "parts/*.parquet"),
        ("other", "latest", "x.jsonl"),
    ]
    assert refs("SELECT 1 + 1") == []
    assert refs("SELECT * FROM range(3)") == []


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("", "sql_empty"),
        ("DROP TABLE t", "statement_not_allowed"),
        ("CREATE TABLE t AS SELECT 1", "statement_not_allowed"),
        ("INSERT INTO t VALUES (1)", "statement_not_allowed"),
        ("ATTACH 'x.db' AS x", "statement_not_allowed"),
        ("COPY (SELECT 1) TO '/tmp/out.csv'", "statement_not_allowed"),
        ("SET enable_external_access = true", "statement_not_allowed"),
        ("PRAGMA database_list", "statement_not_allowed"),
        ("INSTALL httpfs", "statement_not_allowed"),
        ("LOAD httpfs", "statement_not_allowed"),
        ("EXPORT DATABASE '/tmp/x'", "statement_not_allowed"),
        ("SELECT * FROM read_csv('/etc/passwd')", "function_not_allowed"),
        ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "function_not_allowed"),
        ("SELECT * FROM read_text('http://example.com/x')", "function_not_allowed"),
        ("SELECT * FROM glob('/etc/*')", "function_not_allowed"),
        ("SELECT * FROM query('SELECT 1')", "function_not_allowed"),
        ("SELECT getenv('HOME')", "function_not_allowed"),
        ("SELECT current_setting('memory_limit')", "function_not_allowed"),
        (
            "SELECT * FROM 'faces:v1/a.csv' WHERE x IN (SELECT * FROM read_blob('/etc/shadow'))",
            "function_not_allowed",
        ),
        ("SELECT * FROM '/etc/passwd'", "table_not_a_reference"),
        ("SELECT * FROM 'https://example.com/x.csv'", "table_not_a_reference"),
        ("SELECT * FROM pg_catalog.pg_class", "table_not_a_reference"),
        ("SELECT * FROM information_schema.tables", "table_not_a_reference"),
        ("SELECT * FROM duckdb_settings()", "function_not_allowed"),
        ("SELECT 1; SELECT 2", "statement_count"),
        ("SELEC 1", "sql_syntax"),
    ],
)
def test_anything_but_a_read_is_refused_with_its_reason(sql: str, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_query(sql)
    assert refused.value.code == code
    assert refused.value.status == 422
    assert refused.value.to_problem()["errors"][0]["loc"] == ["body", "sql"]


def test_reference_syntax() -> None:
    assert parse_reference("faces:v3/img/a.csv") is not None
    assert parse_reference("faces/a.csv").ref == "latest"  # type: ignore[union-attr]
    for text in ("faces", "faces:v3", "/etc/passwd", "Faces:v1/a.csv", "s3://b/k.csv"):
        assert parse_reference(text) is None, text


def test_globs_match_within_and_across_segments() -> None:
    star = glob_pattern("parts/*.parquet")
    assert star.fullmatch("parts/a.parquet") and not star.fullmatch("parts/x/a.parquet")
    deep = glob_pattern("img/**/*.csv")
    assert (
        deep.fullmatch("img/a.csv") and deep.fullmatch("img/x/y/a.csv") and not deep.fullmatch("imgx/a.csv")
    )
    assert glob_pattern("p/[ab].csv").fullmatch("p/a.csv") and not glob_pattern("p/[!ab].csv").fullmatch(
        "p/a.csv"
    )
    assert glob_pattern("a.c?v").fullmatch("a.csv") and not glob_pattern("a+b.csv").fullmatch("aab.csv")


def test_table_formats_come_from_the_name() -> None:
    assert [table_format(p) for p in ("a.CSV", "b.tsv", "c.parquet", "d.jsonl", "e.png")] == [
        "csv",
        "tsv",
        "parquet",
        "json",
        None,
    ]
