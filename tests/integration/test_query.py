"""SQL over versions through the gateway, against the platform as real processes: references are
pinned to exact versions and reported, joins across versions work, every result format carries
the rows, pages keep their versions, and refused SQL, unresolvable references, non-tables and
queries over their limits are 4xx problems that name the problem, never executed."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kamld_testing.platform import Platform, kamld_command

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def platform(limited_platform: Platform) -> Platform:
    return limited_platform


def cli(platform: Platform, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(home or platform.home / "cli"),
    }
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def push(platform: Platform, root: Path, name: str, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    done = cli(platform, "push", str(root), name, "-m", "data")
    assert done.returncode == 0, done.stderr


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.fixture(scope="module")
def faces(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> str:
    """faces:v1 (4 labels) and faces:v2 (6 labels, parts as Parquet, a JSON Lines file, an image)."""
    name = f"faces-{secrets.token_hex(3)}"
    v1 = tmp_path_factory.mktemp("v1")
    push(platform, v1, name, {"labels.csv": b"id,label\n1,cat\n2,dog\n3,cat\n4,owl\n"})
    v2 = tmp_path_factory.mktemp("v2")
    push(
        platform,
        v2,
        name,
        {
            "labels.csv": b"id,label\n1,cat\n2,dog\n3,cat\n4,owl\n5,cat\n6,dog\n",
            "parts/a.parquet": parquet_bytes(pa.table({"id": [1, 2, 3], "score": [0.5, 0.25, 1.0]})),
            "parts/b.parquet": parquet_bytes(pa.table({"id": [4, 5], "score": [2.0, 4.0]})),
            "meta/notes.jsonl": b'{"id": 1, "note": "blurry"}\n{"id": 6, "note": "dark"}\n',
            "img/1.png": b"\x89PNG not a table",
        },
    )
    return name


def query(platform: Platform, **body: object) -> httpx.Response:
    return httpx.post(f"{platform.gateway}/api/v1/query", json=body, headers=platform.auth, timeout=60)


def test_a_group_by_reads_the_pinned_version_and_says_which(platform: Platform, faces: str) -> None:
    answer = query(
        platform, sql=f"SELECT label, count(*) AS n FROM '{faces}:v1/labels.csv' GROUP BY 1 ORDER BY 1"
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["items"] == [{"label": "cat", "n": 2}, {"label": "dog", "n": 1}, {"label": "owl", "n": 1}]
    assert [c["name"] for c in body["columns"]] == ["label", "n"]
    (version,) = body["versions"]
    assert (version["reference"], version["version"], version["files"]) == (
        f"{faces}:v1/labels.csv",
        f"{faces}:v1",
        ["labels.csv"],
    )
    assert body["engine"] == "duckdb" and body["next"] is None

    latest = query(platform, sql=f"SELECT count(*) AS n FROM '{faces}/labels.csv'").json()
    assert latest["items"] == [{"n": 6}] and latest["versions"][0]["version"] == f"{faces}:v2"


def test_joins_across_versions_globs_and_formats(platform: Platform, faces: str) -> None:
    sql = (
        f"SELECT n.label, sum(p.score) AS total, count(j.note) AS notes "
        f"FROM '{faces}:v2/labels.csv' n JOIN '{faces}:v2/parts/*.parquet' p USING (id) "
        f"LEFT JOIN '{faces}:v2/meta/*.jsonl' j USING (id) "
        f"WHERE n.id IN (SELECT id FROM '{faces}:v1/labels.csv') GROUP BY 1 ORDER BY 1"
    )
    body = query(platform, sql=sql).json()
    assert body["items"] == [
        {"label": "cat", "total": 1.5, "notes": 1},
        {"label": "dog", "total": 0.25, "notes": 0},
        {"label": "owl", "total": 2.0, "notes": 0},
    ]
    by_ref = {v["reference"]: v for v in body["versions"]}
    assert by_ref[f"{faces}:v2/parts/*.parquet"]["files"] == ["parts/a.parquet", "parts/b.parquet"]
    assert by_ref[f"{faces}:v1/labels.csv"]["version"] == f"{faces}:v1"


def test_every_format_carries_the_rows(platform: Platform, faces: str) -> None:
    sql = f"SELECT id, label FROM '{faces}:v2/labels.csv' ORDER BY id"
    arrow = query(platform, sql=sql, format="arrow")
    assert arrow.status_code == 200, arrow.text
    table = pa.ipc.open_stream(arrow.content).read_all()
    assert table.column("id").to_pylist() == [1, 2, 3, 4, 5, 6]
    versions = json.loads(arrow.headers["x-kamld-query-versions"])
    assert versions[0]["version"] == f"{faces}:v2"
    parquet = pq.read_table(io.BytesIO(query(platform, sql=sql, format="parquet").content))
    assert parquet.column("label").to_pylist() == ["cat", "dog", "cat", "owl", "cat", "dog"]
    assert query(platform, sql=sql, format="csv").text.splitlines()[:2] == ['"id","label"', '1,"cat"']


def test_pages_keep_their_versions(platform: Platform, faces: str, tmp_path: Path) -> None:
    sql = f"SELECT id FROM '{faces}/labels.csv' ORDER BY id"
    first = query(platform, sql=sql, limit=4).json()
    assert [r["id"] for r in first["items"]] == [1, 2, 3, 4] and first["next"]
    # latest moves on; the next page still reads the version the first page resolved
    push(platform, tmp_path / "v3", faces, {"labels.csv": b"id,label\n9,cat\n"})
    second = query(platform, sql=sql, limit=4, after=first["next"]).json()
    assert [r["id"] for r in second["items"]] == [5, 6] and second["next"] is None
    assert second["versions"][0]["version"] == f"{faces}:v2"
    bad = query(platform, sql=sql, after="not-a-cursor")
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_cursor")


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("DROP TABLE t", "statement_not_allowed"),
        ("ATTACH '/tmp/x.db' AS x", "statement_not_allowed"),
        ("COPY (SELECT 1) TO '/tmp/out.csv'", "statement_not_allowed"),
        ("SET enable_external_access = true", "statement_not_allowed"),
        ("INSTALL httpfs", "statement_not_allowed"),
        ("SELECT * FROM read_csv('/etc/passwd')", "function_not_allowed"),
        ("SELECT * FROM read_text('http://127.0.0.1:1/x')", "function_not_allowed"),
        ("SELECT getenv('HOME')", "function_not_allowed"),
        ("SELECT * FROM '/etc/passwd'", "table_not_a_reference"),
        ("SELECT * FROM duckdb_settings()", "function_not_allowed"),
        ("SELECT 1; SELECT 2", "statement_count"),
        ("SELEC 1", "sql_syntax"),
    ],
)
def test_sql_that_is_not_a_read_is_refused_unrun(platform: Platform, sql: str, code: str) -> None:
    answer = query(platform, sql=sql)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == code
    assert problem["errors"][0]["loc"] == ["body", "sql"]


def test_references_that_do_not_resolve_or_are_not_tables(platform: Platform, faces: str) -> None:
    cases = {
        f"SELECT * FROM '{faces}:v9/labels.csv'": "reference_not_found",
        "SELECT * FROM 'no-such-artifact:v1/labels.csv'": "reference_not_found",
        f"SELECT * FROM '{faces}:v2/missing.csv'": "file_not_found",
        f"SELECT * FROM '{faces}:v2/nothing/*.csv'": "file_not_found",
        f"SELECT * FROM '{faces}:v2/img/1.png'": "not_a_table",
        f"SELECT nope FROM '{faces}:v2/labels.csv'": "query_failed",
    }
    for sql, code in cases.items():
        answer = query(platform, sql=sql)
        assert (answer.status_code, answer.json()["code"]) == (422, code), (sql, answer.text)
        assert faces in answer.json()["detail"] or code != "not_a_table"


def test_the_row_limit_stops_a_full_answer_but_not_a_page(platform: Platform, faces: str) -> None:
    sql = f"SELECT * FROM '{faces}:v2/labels.csv', range(400)"
    answer = query(platform, sql=sql, format="arrow")
    assert (answer.status_code, answer.json()["code"]) == (422, "query_row_limit")
    assert query(platform, sql=sql, limit=10).status_code == 200


def test_the_time_limit_interrupts_a_long_query(platform: Platform, faces: str) -> None:
    sql = f"SELECT count(*) FROM '{faces}:v2/labels.csv', range(100000000000) a"
    answer = query(platform, sql=sql)
    assert (answer.status_code, answer.json()["code"]) == (422, "query_time_limit"), answer.text
    # the engine is free again
    assert query(platform, sql=f"SELECT count(*) AS n FROM '{faces}:v1/labels.csv'").json()["items"] == [
        {"n": 4}
    ]


def test_anonymous_callers_are_refused(platform: Platform) -> None:
    answer = httpx.post(f"{platform.gateway}/api/v1/query", json={"sql": "SELECT 1"}, timeout=30)
    assert answer.status_code == 401


def test_the_cli_prints_writes_and_saves_results(platform: Platform, faces: str, tmp_path: Path) -> None:
    sql = f"SELECT label, count(*) AS n FROM '{faces}:v1/labels.csv' GROUP BY 1 ORDER BY 1"
    shown = cli(platform, "query", sql)
    assert shown.returncode == 0, shown.stderr
    assert [line.split() for line in shown.stdout.splitlines() if "cat" in line or "owl" in line] == [
        ["cat", "2"],
        ["owl", "1"],
    ]
    assert f"= {faces}:v1" in shown.stderr
    as_json = cli(platform, "query", sql, "--format", "json")
    assert [json.loads(line) for line in as_json.stdout.splitlines()][0] == {"label": "cat", "n": 2}
    target = tmp_path / "out.parquet"
    assert cli(platform, "query", sql, "--format", "parquet", "--output", str(target)).returncode == 0
    assert pq.read_table(target).column("n").to_pylist() == [2, 1, 1]

    saved_name = f"counts-{secrets.token_hex(3)}"
    saved = cli(platform, "query", sql, "--save", saved_name)
    assert saved.returncode == 0, saved.stderr
    lineage = httpx.get(
        f"{platform.gateway}/api/v1/artifacts/{saved_name}/versions/v1", headers=platform.auth, timeout=30
    ).json()
    assert [(i["ref"], i["role"]) for i in lineage["inputs"]] == [(f"{faces}:v1", "queried")]
    assert lineage["metadata"] == {"query": sql}

    refused = cli(platform, "query", "DELETE FROM t")
    assert refused.returncode != 0 and "read-only SELECT" in refused.stderr
