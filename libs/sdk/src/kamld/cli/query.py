"""``kamld query SQL``: SQL over versions, printed as a table or written as CSV, JSON or Parquet."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kamld.cli import app
from kamld.cli.output import err, literal, new_table, out, reports_errors
from kamld.client import Client


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def _versions_line(versions: list[dict[str, Any]]) -> str:
    return "read " + ", ".join(f"{v['reference']} = {v['version']}" for v in versions)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)


@app.command("query")
@reports_errors
def query(
    sql: Annotated[
        str, typer.Argument(help="One SELECT; tables are 'NAME:REF/PATH' in quotes", show_default=False)
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, csv, json or parquet")] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output")
    ] = None,
    save: Annotated[
        str | None,
        typer.Option(
            "--save", help="Store the result (Parquet) as a new version of this dataset", show_default=False
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most rows a table shows", min=1)] = 100,
) -> None:
    """Run read-only SQL over versions; the versions read are named on standard error."""
    with Client() as client:
        if save is not None:
            _save(client, sql, save)
            return
        if fmt is Format.table:
            page = client.query(sql, limit=min(limit, 1000))
            _print_table(page, limit)
            return
        if fmt is Format.json:
            versions = _write_json_lines(client, sql, output)
        else:
            data, versions = client.query_file(sql, fmt.value)  # type: ignore[arg-type]
            if fmt is Format.parquet and output is None and sys.stdout.isatty():
                raise typer.BadParameter("Parquet is binary: give --output FILE", param_hint="--output")
            _write(data, output)
    err().print(literal(_versions_line(versions)), highlight=False)


def _write_json_lines(client: Client, sql: str, output: Path | None) -> list[dict[str, Any]]:
    """Every row as one JSON object a line, a page at a time; the versions the pages read."""
    target = output.open("w", encoding="utf-8") if output is not None else sys.stdout
    versions: list[dict[str, Any]] = []
    after: str | None = None
    try:
        while True:
            page = client.query(sql, limit=1000, after=after)
            versions = page["versions"]
            target.writelines(json.dumps(row, default=str) + "\n" for row in page["items"])
            if not (after := page["next"]):
                return versions
    finally:
        if output is not None:
            target.close()


def _print_table(page: dict[str, Any], limit: int) -> None:
    table = new_table(*[column["name"] for column in page["columns"]])
    for row in page["items"][:limit]:
        table.add_row(*[literal("" if value is None else value) for value in row.values()])
    out().print(table)
    more = " (more rows: use --format csv or --limit)" if page["next"] else ""
    err().print(literal(_versions_line(page["versions"]) + more), highlight=False)


def _save(client: Client, sql: str, name: str) -> None:
    data, versions = client.query_file(sql, "parquet")
    with tempfile.TemporaryDirectory(prefix="kamld-query-") as directory:
        Path(directory, "result.parquet").write_bytes(data)
        inputs = list(dict.fromkeys(v["version"] for v in versions))
        pushed = client.push(
            directory,
            name,
            f"query: {sql[:200]}",
            inputs=[(ref, "queried") for ref in inputs],
            metadata={"query": sql},
        )
    out().print(
        f"saved {literal(pushed.ref)}/result.parquet from {literal(', '.join(inputs) or 'no versions')}"
    )
