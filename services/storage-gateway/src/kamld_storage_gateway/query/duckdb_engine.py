"""DuckDB embedded: each query gets its own in-memory database, closed (and its memory freed) after.

The resolved tables are registered as Arrow datasets read through :mod:`.contentfs`; then
external access is switched off and the configuration locked, so the query itself can open no
file, URL or extension, and cannot undo either setting. Extensions are never auto-installed or
auto-loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from kamld_storage_gateway.query.engine import Limits, QueryFailed, QueryLimitReached, TableSource

FIELD = ["body", "sql"]


class DuckDBEngine:
    name = "duckdb"

    def run(self, sql: str, tables: Sequence[TableSource], limits: Limits) -> pa.Table:
        con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "threads": limits.threads,
                "memory_limit": limits.memory,
                "max_temp_directory_size": "0B",
            },
        )
        timer = threading.Timer(limits.time_s, con.interrupt)
        try:
            for source in tables:
                con.register(source.table.reference.text, source.open())
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            timer.start()
            reader = con.execute(sql).to_arrow_reader(64_000)
            batches: list[pa.RecordBatch] = []
            rows = 0
            for batch in reader:
                batches.append(batch)
                rows += batch.num_rows
                if rows > limits.max_rows:
                    break
            return pa.Table.from_batches(batches, schema=reader.schema).slice(0, limits.max_rows + 1)
        except duckdb.InterruptException:
            raise QueryLimitReached(
                f"the query was stopped after its time limit of {limits.time_s:g} s",
                field=FIELD,
                code="query_time_limit",
                extra={"time_limit_s": limits.time_s},
            ) from None
        except duckdb.OutOfMemoryException:
            raise QueryLimitReached(
                f"the query needs more than its memory limit of {limits.memory}",
                field=FIELD,
                code="query_memory_limit",
                extra={"memory_limit": limits.memory},
            ) from None
        except (duckdb.Error, pa.ArrowException) as exc:
            raise QueryFailed(_first_line(str(exc)), field=FIELD) from None
        finally:
            timer.cancel()
            con.close()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:500] if message.strip() else "the query failed"
