"""Running a query: check it, pin its references, run it on the configured engine, page the rows.

A page's cursor carries the versions the first page resolved, so every page of one answer reads
the same versions even if an alias moves meanwhile. Pages re-run the query with LIMIT/OFFSET:
give the query an ORDER BY for a stable order across pages.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import pyarrow as pa

from kamld_common.errors import Invalid
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.downloads.service import ByteRange, DownloadService
from kamld_storage_gateway.query.contentfs import loop_reader
from kamld_storage_gateway.query.datasets import open_dataset
from kamld_storage_gateway.query.engine import Limits, QueryEngine, QueryLimitReached, TableSource
from kamld_storage_gateway.query.references import ReferenceResolver, ResolvedTable
from kamld_storage_gateway.query.sql import check_query

FIELD = ["body", "sql"]


@dataclass(frozen=True)
class Answer:
    rows: pa.Table
    tables: list[ResolvedTable]
    next: str | None


def encode_cursor(pins: Mapping[str, str], offset: int) -> str:
    raw = json.dumps({"pins": dict(pins), "offset": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(after: str) -> tuple[dict[str, str], int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
        pins, offset = raw["pins"], raw["offset"]
        if not (isinstance(pins, dict) and all(isinstance(v, str) for v in pins.values())):
            raise ValueError("pins")
        if type(offset) is not int or offset < 0:
            raise ValueError("offset")
    except (ValueError, KeyError, TypeError):
        raise Invalid(
            f"cursor {after[:100]!r} is not one this query answered",
            field=["body", "after"],
            code="unknown_cursor",
        ) from None
    return pins, offset


class QueryService:
    def __init__(
        self,
        resolver: ReferenceResolver,
        downloads: DownloadService,
        engine: QueryEngine,
        limits: Limits,
        concurrency: int,
    ) -> None:
        self.resolver = resolver
        self.downloads = downloads
        self.engine = engine
        self.limits = limits
        self.slots = asyncio.Semaphore(concurrency)

    async def _read(self, entry: FileEntry, start: int, end: int) -> bytes:
        parts = [part async for part in self.downloads.iter_content(entry, ByteRange(start, end - 1))]
        return b"".join(parts)

    async def resolve(
        self, sql: str, pins: Mapping[str, str] | None = None
    ) -> tuple[str, list[ResolvedTable]]:
        checked = check_query(sql)
        tables = [await self.resolver.resolve(reference, pins) for reference in checked.references]
        return checked.sql, tables

    async def run(self, sql: str, *, limit: int | None = None, after: str | None = None) -> Answer:
        """Rows of ``sql``: a page of ``limit`` rows from the cursor ``after``, or (``limit`` None)
        every row up to the row limit, beyond which the query is refused."""
        pins, offset = decode_cursor(after) if after else ({}, 0)
        query, tables = await self.resolve(sql, pins)
        body = query.strip().rstrip(";")
        if limit is not None:
            # OFFSET before LIMIT: the order both DuckDB and Trino parse
            wrapped = f"SELECT * FROM (\n{body}\n) AS kamld_page OFFSET {offset} LIMIT {limit + 1}"
        else:
            wrapped = f"SELECT * FROM (\n{body}\n) AS kamld_rows LIMIT {self.limits.max_rows + 1}"
        rows = await self._execute(wrapped, tables)
        next_cursor = None
        if limit is not None and rows.num_rows > limit:
            rows = rows.slice(0, limit)
            next_cursor = encode_cursor({t.reference.text: f"v{t.number}" for t in tables}, offset + limit)
        elif limit is None and rows.num_rows > self.limits.max_rows:
            raise QueryLimitReached(
                f"the query answers more than {self.limits.max_rows} rows: page it (limit and after) "
                "or aggregate",
                field=FIELD,
                code="query_row_limit",
                extra={"row_limit": self.limits.max_rows},
            )
        return Answer(rows, tables, next_cursor)

    async def _execute(self, sql: str, tables: list[ResolvedTable]) -> pa.Table:
        read_range = loop_reader(asyncio.get_running_loop(), self._read)
        sources = [
            TableSource(table, partial(open_dataset, index, table, read_range))
            for index, table in enumerate(tables)
        ]
        async with self.slots:
            return await asyncio.to_thread(self.engine.run, sql, sources, self.limits)
