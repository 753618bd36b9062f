"""The query engine protocol: run one checked SELECT over resolved tables, within limits.

Engines are chosen by a setting (``query_engine``): ``duckdb`` (embedded, the default) or
``trino``. Each gets the tables under the exact names the query wrote, so the SQL is never
rewritten, and answers an Arrow table of at most ``max_rows + 1`` rows (the extra one tells the
caller that the limit was reached).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from kamld_common.errors import Invalid
from kamld_storage_gateway.query.references import ResolvedTable


@dataclass(frozen=True)
class Limits:
    max_rows: int
    time_s: float
    memory: str
    threads: int


@dataclass(frozen=True)
class TableSource:
    """A resolved table and how to read it in process: ``open()`` gives its Arrow dataset."""

    table: ResolvedTable
    open: Callable[[], object]


class QueryFailed(Invalid):
    """The engine refused or could not run the query (a column that does not exist, a bad cast)."""

    code = "query_failed"
    title = "Query failed"


class QueryLimitReached(Invalid):
    """The query was stopped at a limit; its memory is freed."""

    code = "query_limit"
    title = "Query limit reached"


class QueryEngine(Protocol):
    name: str

    def run(self, sql: str, tables: Sequence[TableSource], limits: Limits) -> pa.Table:
        """Rows of ``sql`` (at most ``limits.max_rows + 1``); raises :class:`QueryFailed` or
        :class:`QueryLimitReached`. Called from a worker thread."""
        ...
