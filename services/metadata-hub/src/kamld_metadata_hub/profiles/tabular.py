"""Profiles of tables (CSV, TSV, Parquet, JSON Lines) computed by DuckDB, reading the file through
storage-gateway in ranged reads, in bounded memory and time.

Two scans: ``SUMMARIZE`` (types, min/max, approximate distinct counts, mean, standard deviation,
quartiles, nulls, row count), then one query for every column's histogram (numbers) or most
frequent values (text). A file larger than the size limit is profiled on its first rows, and the
profile says so. DuckDB never fetches an extension from the network.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
from fsspec.spec import AbstractFileSystem

READERS = {
    ".csv": "read_csv({path})",
    ".tsv": "read_csv({path}, delim='\t')",
    ".parquet": "read_parquet({path})",
    ".jsonl": "read_json({path}, format='newline_delimited')",
    ".ndjson": "read_json({path}, format='newline_delimited')",
}
NUMERIC = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
)
TEXT = ("VARCHAR",)
BINS = 10
TOP = 5
MAX_COLUMNS = 200


def table_format(path: str) -> str | None:
    """``csv``, ``tsv``, ``parquet``, ``jsonl`` by the file's extension, else None."""
    lower = path.lower()
    for suffix in READERS:
        if lower.endswith(suffix):
            return "jsonl" if suffix == ".ndjson" else suffix[1:]
    return None


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 256 << 20
    sample_rows: int = 100_000
    memory: str = "256MB"
    timeout_s: float = 120.0


@dataclass
class TableProfile:
    format: str
    status: str  # ok, sampled, unreadable
    rows: int | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    bytes_read: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "status": self.status,
            "rows": self.rows,
            "columns": self.columns,
            "reason": self.reason,
        }


def plain_value(value: Any) -> Any:
    """A JSON-safe scalar: decimals and floats as numbers (non-finite as null), the rest as text."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    return str(value)


def _number(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def profile_table(fs: AbstractFileSystem, url: str, path: str, size: int, limits: Limits) -> TableProfile:
    """Profile one file; never raises for a file that does not parse (it is ``unreadable``)."""
    fmt = table_format(path)
    assert fmt is not None
    connection = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": limits.memory,
            "threads": 1,
            "enable_external_access": True,
        }
    )
    connection.register_filesystem(fs)
    timer = threading.Timer(limits.timeout_s, connection.interrupt)
    timer.start()
    sampled = size > limits.max_bytes
    reader = READERS["." + ("ndjson" if fmt == "jsonl" else fmt)].format(
        path="'" + url.replace("'", "''") + "'"
    )
    source = f"(SELECT * FROM {reader} LIMIT {limits.sample_rows})" if sampled else reader
    try:
        summary = connection.sql(f"SUMMARIZE SELECT * FROM {source}").fetchall()
        columns = [_column(row) for row in summary[:MAX_COLUMNS]]
        rows = int(summary[0][10]) if summary else 0
        _distributions(connection, source, columns)
        status, reason = "ok", None
        if sampled:
            status = "sampled"
            reason = (
                f"the file has {size} bytes, over the {limits.max_bytes}-byte limit: "
                f"profiled on its first {rows} rows"
            )
        return TableProfile(fmt, status, rows, columns, reason)
    except duckdb.InterruptException:
        return TableProfile(fmt, "unreadable", reason=f"profiling took longer than {limits.timeout_s:g} s")
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return TableProfile(fmt, "unreadable", reason=f"does not parse as {fmt}: {first}"[:500])
    finally:
        timer.cancel()
        connection.close()


def _column(row: tuple[Any, ...]) -> dict[str, Any]:
    name, ctype, lo, hi, distinct, mean, std, q25, q50, q75, count, null_pct = row
    base_type = str(ctype).split("(")[0]
    nulls = round(float(null_pct or 0) / 100 * int(count or 0))
    column: dict[str, Any] = {
        "name": name,
        "type": str(ctype),
        "nulls": nulls,
        "distinct_approx": int(distinct) if distinct is not None else None,
        "min": plain_value(lo),
        "max": plain_value(hi),
    }
    if base_type in NUMERIC:
        column.update(
            min=_number(lo),
            max=_number(hi),
            mean=_number(mean),
            stddev=_number(std),
            quantiles={"q25": _number(q25), "q50": _number(q50), "q75": _number(q75)},
        )
    return column


def _distributions(connection: duckdb.DuckDBPyConnection, source: str, columns: list[dict[str, Any]]) -> None:
    """One more scan: an equal-width histogram of each number column, the top values of each text column."""
    parts: list[tuple[dict[str, Any], str, list[float]]] = []
    for column in columns:
        ident = quote_identifier(column["name"])
        base_type = column["type"].split("(")[0]
        if base_type in NUMERIC and column.get("min") is not None and column.get("max") is not None:
            lo, hi = column["min"], column["max"]
            width = (hi - lo) / BINS or 1.0
            bounds = [lo + width * (i + 1) for i in range(BINS)]
            bounds[-1] = max(bounds[-1], hi)
            parts.append((column, f"histogram({ident}::DOUBLE, {bounds!r})", bounds))
        elif base_type in TEXT:
            parts.append((column, f"approx_top_k({ident}, {TOP})", []))
    if not parts:
        return
    row = connection.sql(f"SELECT {', '.join(expr for _, expr, _ in parts)} FROM {source}").fetchone()
    assert row is not None
    for (column, _, bounds), value in zip(parts, row, strict=True):
        if bounds:
            counts = dict(value or {})
            lower = column["min"]
            column["histogram"] = [
                {"from": lower if i == 0 else bounds[i - 1], "to": upper, "count": int(counts.get(upper, 0))}
                for i, upper in enumerate(bounds)
            ]
        else:
            column["top_values"] = [plain_value(v) for v in (value or []) if v is not None]
