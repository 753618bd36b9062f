"""Checking a query before anything runs: one read-only SELECT whose tables are version references.

The SQL is parsed by DuckDB's own parser (``json_serialize_sql``) and its syntax tree is walked,
so what is checked is exactly what the engine would run. Anything but a single SELECT (writes,
ATTACH, COPY, SET, PRAGMA, INSTALL/LOAD), a table function other than a few generators, a table
that is not a reference or a CTE, and functions that read the server's files, environment or
settings are refused with a 422 naming the problem; nothing is executed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from kamld_common.errors import Invalid

MAX_SQL_CHARS = 100_000
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
REFUSED_FUNCTIONS = frozenset(
    {
        "getenv",
        "current_setting",
        "read_text",
        "read_blob",
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "parquet_scan",
        "read_json",
        "read_json_auto",
        "read_ndjson",
        "glob",
        "query",
        "query_table",
        "sniff_csv",
        "duckdb_secrets",
        "duckdb_settings",
        "duckdb_extensions",
        "load_extension",
        "install_extension",
    }
)
REFERENCE = re.compile(r"(?P<name>[a-z0-9][a-z0-9._-]{0,127})(?::(?P<ref>[^/\s]+))?/(?P<path>\S.*)")
_FIELD = ["body", "sql"]


@dataclass(frozen=True)
class TableReference:
    """``NAME:REF/PATH`` as written in the query; PATH may be a glob."""

    text: str
    name: str
    ref: str
    path: str


@dataclass(frozen=True)
class CheckedQuery:
    sql: str
    references: list[TableReference]


def parse_reference(text: str) -> TableReference | None:
    """The reference ``text`` names, or None when it is not of the form ``NAME[:REF]/PATH``."""
    match = REFERENCE.fullmatch(text)
    if match is None:
        return None
    return TableReference(text, match["name"], match["ref"] or "latest", match["path"])


def _refuse(detail: str, code: str, **extra: Any) -> Invalid:
    return Invalid(detail, field=_FIELD, code=code, extra=extra)


def _syntax_tree(sql: str) -> dict[str, Any]:
    with duckdb.connect(":memory:", config={"enable_external_access": False}) as con:
        row = con.execute("SELECT json_serialize_sql($1::VARCHAR)", [sql]).fetchone()
    tree: dict[str, Any] = json.loads(row[0] if row else "{}")
    if tree.get("error"):
        message = str(tree.get("error_message", "cannot be parsed"))
        if "Only SELECT" in message:
            raise _refuse(
                "only a read-only SELECT may run: writes, ATTACH, COPY, SET, PRAGMA, INSTALL and LOAD "
                "are refused",
                "statement_not_allowed",
            )
        raise _refuse(f"the SQL does not parse: {message}", "sql_syntax")
    return tree


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _cte_names(tree: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for node in _nodes(tree):
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            names.update(str(entry.get("key", "")).lower() for entry in cte_map.get("map", []))
    return names


def check_query(sql: str) -> CheckedQuery:
    """The references of ``sql``, a single read-only SELECT; else :class:`Invalid` naming the problem."""
    if not sql.strip():
        raise _refuse("the SQL is empty", "sql_empty")
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(f"the SQL is longer than {MAX_SQL_CHARS} characters", "sql_too_long")
    tree = _syntax_tree(sql)
    statements = tree.get("statements", [])
    if len(statements) != 1:
        raise _refuse(f"send exactly one statement, not {len(statements)}", "statement_count")
    ctes = _cte_names(tree)
    references: dict[str, TableReference] = {}
    for node in _nodes(statements[0]):
        kind = node.get("type")
        if kind == "BASE_TABLE":
            _check_table(node, ctes, references)
        elif kind == "TABLE_FUNCTION":
            name = str(node.get("function", {}).get("function_name", "")).lower()
            if name not in ALLOWED_TABLE_FUNCTIONS:
                raise _refuse(
                    f"table function {name}() is not allowed: read versions by their reference, "
                    "FROM 'NAME:REF/PATH'",
                    "function_not_allowed",
                    function=name,
                )
        elif node.get("class") == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if name in REFUSED_FUNCTIONS:
                raise _refuse(f"function {name}() is not allowed", "function_not_allowed", function=name)
    return CheckedQuery(sql, list(references.values()))


def _check_table(node: dict[str, Any], ctes: set[str], references: dict[str, TableReference]) -> None:
    table = str(node.get("table_name", ""))
    qualified = node.get("schema_name") or node.get("catalog_name")
    if not qualified and table.lower() in ctes:
        return
    reference = None if qualified else parse_reference(table)
    if reference is None:
        shown = ".".join(
            str(part) for part in (node.get("catalog_name"), node.get("schema_name"), table) if part
        )
        raise _refuse(
            f"table {shown!r} is not a version reference: write FROM 'NAME:REF/PATH' "
            "(for example 'faces:v2/labels.csv')",
            "table_not_a_reference",
            table=shown,
        )
    references.setdefault(reference.text, reference)
