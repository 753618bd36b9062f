"""Row-level splits of a table: ``train``/``test``/``val`` parts of one table file of a version.

The table (CSV, TSV, Parquet or JSON Lines) is read in place through the query layer's content
filesystem, and DuckDB, spilling to a scratch folder under its memory limit, assigns every row to
exactly one part: rows are numbered in file order, ranked within their stratum (the whole table,
or each value of the ``stratify`` column) by a hash of the row number and the seed, and the first
``round(n * test)`` of each stratum go to ``test``, the next ``round(n * val)`` to ``val``, the rest
to ``train``. Each part keeps the rows in file order and is written in the source's format (CSV
and TSV with its header, values passed through as text), then stored as a whole file of an open
upload session under ``PART/PATH``; the client commits it with the rest of its manifest. The same
version, seed and fractions give the same bytes and so the same digests.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.dataset as pds

from kamld_common.errors import Invalid
from kamld_storage_gateway.query.contentfs import loop_reader
from kamld_storage_gateway.query.datasets import open_dataset
from kamld_storage_gateway.query.engine import Limits
from kamld_storage_gateway.query.references import _GLOB, ResolvedTable
from kamld_storage_gateway.query.service import QueryService
from kamld_storage_gateway.query.sql import parse_reference
from kamld_storage_gateway.query.trino_sql import quote_identifier, quote_literal
from kamld_storage_gateway.uploads.service import UploadService

PARTS = ("train", "test", "val")
_HELPER = ("__kamld_row", "__kamld_rank", "__kamld_n", "__kamld_part")
_STREAM_BYTES = 1 << 20


@dataclass(frozen=True)
class SplitPart:
    part: str
    path: str
    rows: int
    size: int
    digest: str


@dataclass(frozen=True)
class TableSplit:
    table: ResolvedTable
    path: str
    parts: list[SplitPart]


def check_fractions(test: float, val: float) -> None:
    if not 0 < test < 1:
        raise Invalid("test is a fraction with 0 < test < 1", field=["body", "test"], code="invalid_split")
    if not 0 <= val < 1:
        raise Invalid("val is a fraction with 0 <= val < 1", field=["body", "val"], code="invalid_split")
    if test + val >= 1:
        raise Invalid(
            f"test + val must be below 1 (here {test + val:g}), so train keeps some rows",
            field=["body", "val"],
            code="invalid_split",
        )


class TableSplitter:
    def __init__(self, queries: QueryService, uploads: UploadService, limits: Limits) -> None:
        self.queries = queries
        self.uploads = uploads
        self.limits = limits

    async def split(
        self, upload_id: str, table: str, *, test: float, val: float, seed: int, stratify: str | None
    ) -> TableSplit:
        await self.uploads.check_open(upload_id)
        check_fractions(test, val)
        reference = parse_reference(table)
        if reference is None or _GLOB.search(reference.path):
            raise Invalid(
                f"table {table[:200]!r} is not one file of a version: write NAME:REF/PATH",
                field=["body", "table"],
                code="invalid_reference",
            )
        try:
            resolved = await self.queries.resolver.resolve(reference)
        except Invalid as exc:
            extra = {key: value for key, value in exc.extra.items() if key != "errors"}
            raise Invalid(exc.detail, field=["body", "table"], code=exc.code, extra=extra) from None
        read_range = loop_reader(asyncio.get_running_loop(), self.queries._read)
        parts: list[SplitPart] = []
        with tempfile.TemporaryDirectory(prefix="kamld-split-") as scratch:
            async with self.queries.slots:
                written = await asyncio.to_thread(
                    self._write_parts, resolved, read_range, scratch, test, val, seed, stratify
                )
            for part, (file, rows) in written.items():
                path = f"{part}/{reference.path}"
                entry = await self.uploads.put_file(upload_id, path, _stream(file))
                parts.append(SplitPart(part, entry.path, rows, entry.size, entry.digest))
        return TableSplit(resolved, reference.path, parts)

    def _write_parts(
        self,
        table: ResolvedTable,
        read_range: object,
        scratch: str,
        test: float,
        val: float,
        seed: int,
        stratify: str | None,
    ) -> dict[str, tuple[str, int]]:
        source = _text_columns(open_dataset(0, table, read_range), table.format)  # type: ignore[arg-type]
        names = source.schema.names
        if stratify is not None and stratify not in names:
            raise Invalid(
                f"{table.reference.text!r} has no column {stratify!r}; its columns: {', '.join(names)[:500]}",
                field=["body", "stratify"],
                code="column_not_found",
                extra={"column": stratify},
            )
        clash = next((name for name in names if name in _HELPER), None)
        if clash:
            raise Invalid(f"column {clash!r} is reserved", field=["body", "table"], code="reserved_column")
        spill = os.path.join(scratch, "spill")
        con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "threads": 1,  # one thread: rows are numbered in file order, the same every time
                "memory_limit": self.limits.memory,
                "temp_directory": spill,
                "preserve_insertion_order": True,
            },
        )
        try:
            con.register("source", source)
            stratum = quote_identifier(stratify) if stratify else "1"
            con.execute(
                f"""CREATE TABLE assigned AS
                WITH numbered AS (SELECT *, row_number() OVER () AS __kamld_row FROM source),
                ranked AS (
                    SELECT *,
                        row_number() OVER (PARTITION BY {stratum} ORDER BY hash(__kamld_row, {int(seed)}),
                                           __kamld_row) - 1 AS __kamld_rank,
                        count(*) OVER (PARTITION BY {stratum}) AS __kamld_n
                    FROM numbered)
                SELECT *, CASE
                    WHEN __kamld_rank < round(__kamld_n * {test!r}) THEN 'test'
                    WHEN __kamld_rank < round(__kamld_n * {test!r}) + round(__kamld_n * {val!r}) THEN 'val'
                    ELSE 'train' END AS __kamld_part
                FROM ranked"""
            )
            options = {
                "csv": "FORMAT CSV, HEADER true, DELIMITER ','",
                "tsv": "FORMAT CSV, HEADER true, DELIMITER '\t'",
                "parquet": "FORMAT PARQUET",
                "json": "FORMAT JSON",
            }[table.format]
            helper = ", ".join(_HELPER)
            written: dict[str, tuple[str, int]] = {}
            for part in PARTS if val else PARTS[:2]:
                file = os.path.join(scratch, part)
                chosen = f"FROM assigned WHERE __kamld_part = {quote_literal(part)}"
                con.execute(
                    f"COPY (SELECT * EXCLUDE ({helper}) {chosen} ORDER BY __kamld_row) "
                    f"TO {quote_literal(file)} ({options})"
                )
                row = con.execute(f"SELECT count(*) {chosen}").fetchone()
                written[part] = (file, int(row[0]) if row else 0)
            return written
        except duckdb.OutOfMemoryException:
            raise Invalid(
                f"splitting {table.reference.text!r} needs more than {self.limits.memory} of memory",
                field=["body", "table"],
                code="query_memory_limit",
            ) from None
        except (duckdb.Error, pa.ArrowException) as exc:
            message = str(exc).strip().splitlines()[0][:500] if str(exc).strip() else "unreadable"
            raise Invalid(
                f"{table.reference.text!r} cannot be split: {message}",
                field=["body", "table"],
                code="not_a_table",
            ) from None
        finally:
            con.close()


def _text_columns(dataset: pds.Dataset | pa.Table, fmt: str) -> pds.Dataset | pa.Table:
    """CSV and TSV with every column read as text, so values are written back as they were."""
    if fmt not in ("csv", "tsv") or not isinstance(dataset, pds.Dataset):
        return dataset
    csv_format = pds.CsvFileFormat(
        parse_options=pcsv.ParseOptions(delimiter="\t" if fmt == "tsv" else ","),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in dataset.schema.names}, strings_can_be_null=True
        ),
    )
    assert isinstance(dataset, pds.FileSystemDataset)
    return pds.dataset(dataset.files, filesystem=dataset.filesystem, format=csv_format)


async def _stream(path: str) -> AsyncIterator[bytes]:
    with open(path, "rb") as file:  # noqa: ASYNC230 - a local scratch file, read in blocks
        while block := await asyncio.to_thread(file.read, _STREAM_BYTES):
            yield block
