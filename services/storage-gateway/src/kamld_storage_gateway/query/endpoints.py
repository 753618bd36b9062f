"""``POST /query``: a checked, read-only SELECT over version references."""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

import orjson
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Request, Response

from kamld_storage_gateway.query.file_split import FileSplitter
from kamld_storage_gateway.query.schemas import (
    Column,
    FileSplitIn,
    FileSplitOut,
    QueryIn,
    QueryOut,
    ResultFormat,
    TableSplitIn,
    TableSplitOut,
    TableSplitPart,
    queried_version,
)
from kamld_storage_gateway.query.service import Answer, QueryService
from kamld_storage_gateway.query.table_split import TableSplitter
from kamld_storage_gateway.uploads.endpoints import UploadId

router = APIRouter(tags=["query"])
VERSIONS_HEADER = "X-Kamld-Query-Versions"
MEDIA_TYPES = {
    ResultFormat.arrow: "application/vnd.apache.arrow.stream",
    ResultFormat.csv: "text/csv; charset=utf-8",
    ResultFormat.parquet: "application/vnd.apache.parquet",
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "SQL refused (not a read-only SELECT, a reference that does not resolve, a file "
        "that is not a table) or stopped at a limit; `code` names which"
    },
}


async def get_queries(request: Request) -> QueryService:
    service: QueryService = request.app.state.queries
    return service


Queries = Annotated[QueryService, Depends(get_queries)]


async def get_splitter(request: Request) -> TableSplitter:
    splitter: TableSplitter = request.app.state.table_splitter
    return splitter


Splitter = Annotated[TableSplitter, Depends(get_splitter)]


async def get_file_splitter(request: Request) -> FileSplitter:
    splitter: FileSplitter = request.app.state.file_splitter
    return splitter


FileSplitterDep = Annotated[FileSplitter, Depends(get_file_splitter)]


@router.post("/query", summary="Run a query", response_model=QueryOut, responses=PROBLEMS)
async def run_query(body: QueryIn, queries: Queries) -> Response:
    """Run one read-only SELECT over version references; JSON pages, or every row as Arrow, CSV or Parquet."""
    paged = body.format is ResultFormat.json
    answer = await queries.run(body.sql, limit=body.limit if paged else None, after=body.after)
    if paged:
        return Response(_page(answer, queries.engine.name), media_type="application/json")
    versions = json.dumps([queried_version(t).model_dump() for t in answer.tables], separators=(",", ":"))
    return Response(
        _encode(answer.rows, body.format),
        media_type=MEDIA_TYPES[body.format],
        headers={VERSIONS_HEADER: versions},
    )


def _page(answer: Answer, engine: str) -> bytes:
    out = {
        "engine": engine,
        "versions": [queried_version(t).model_dump() for t in answer.tables],
        "columns": [Column(name=f.name, type=str(f.type)).model_dump() for f in answer.rows.schema],
        "items": answer.rows.to_pylist(),
        "next": answer.next,
    }
    return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS)


def _encode(rows: pa.Table, fmt: ResultFormat) -> bytes:
    sink = io.BytesIO()
    if fmt is ResultFormat.arrow:
        with pa.ipc.new_stream(sink, rows.schema) as writer:
            writer.write_table(rows)
    elif fmt is ResultFormat.csv:
        pcsv.write_csv(rows, sink)
    else:
        pq.write_table(rows, sink)
    return sink.getvalue()


@router.post(
    "/uploads/{upload_id}/split-table",
    summary="Split a table by rows into an upload",
    response_model=TableSplitOut,
    responses={
        **PROBLEMS,
        404: {"description": "No such upload session"},
        422: {
            "description": "A bad fraction, a missing column, a table that does not resolve or is not a table"
        },
    },
)
async def split_table(
    upload_id: UploadId,
    body: TableSplitIn,
    splitter: Splitter,
) -> TableSplitOut:
    """Write the rows of one table file as `train/PATH`, `test/PATH` (and `val/PATH`) of the session."""
    split = await splitter.split(
        upload_id, body.table, test=body.test, val=body.val, seed=body.seed, stratify=body.stratify
    )
    return TableSplitOut(
        version=split.table.version,
        digest=split.table.digest,
        path=split.path,
        parts=[
            TableSplitPart(part=p.part, path=p.path, rows=p.rows, size=p.size, digest=p.digest)
            for p in split.parts
        ],
    )


@router.post(
    "/uploads/{upload_id}/split-files",
    summary="Split a version's files into an upload",
    response_model=FileSplitOut,
    responses={
        404: {"description": "No such upload session, or a source that does not resolve"},
        409: {"description": "The session is already committed"},
        410: {"description": "The session expired"},
        422: {"description": "A bad fraction or source reference, an `exclude` path not in the source"},
    },
)
async def split_files(upload_id: UploadId, body: FileSplitIn, splitter: FileSplitterDep) -> FileSplitOut:
    """Stage the files of a version (less `exclude`) as `train/PATH`, `test/PATH` (and `val/PATH`)
    of the session by a seeded shuffle; their chunks are already stored, so nothing is uploaded."""
    split = await splitter.split(
        upload_id, body.source, test=body.test, val=body.val, seed=body.seed, exclude=body.exclude
    )
    return FileSplitOut(
        version=split.version, digest=split.digest, counts=split.counts, excluded=split.excluded
    )
