"""``POST /query``: viewers run read-only SQL over version references (storage-gateway runs it)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from kamld_common.http import ServiceClient
from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.content.proxy import forward
from kamld_workbench_api.upstreams import Upstreams, get_upstreams

router = APIRouter()


class ResultFormat(StrEnum):
    json = "json"
    arrow = "arrow"
    csv = "csv"
    parquet = "parquet"


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(
        max_length=100_000,
        description="One read-only SELECT; tables are version references in quotes, `'NAME:REF/PATH'` "
        "(PATH may be a glob: `'faces:v3/parts/*.parquet'`)",
    )
    format: ResultFormat = Field(
        ResultFormat.json,
        description="`json`: a page of rows; `arrow` (Arrow IPC stream), `csv`, `parquet`: every row, "
        "up to the row limit, with the versions read in the `X-Kamld-Query-Versions` header",
    )
    limit: int = Field(100, ge=1, le=1000, description="Rows per page (`json` only)")
    after: str | None = Field(
        None, max_length=4096, description="Cursor: the `next` of the previous page, sent with the same SQL"
    )


class QueriedVersion(BaseModel):
    reference: str = Field(description="The table reference as the query wrote it")
    version: str = Field(description="The exact version it resolved to, `NAME:vN`")
    digest: str
    format: str = Field(description="csv, tsv, parquet or json (JSON Lines)")
    file_count: int
    files: list[str] = Field(description="The files read (the first 100)")


class QueryColumn(BaseModel):
    name: str
    type: str = Field(description="The Arrow type")


class QueryAnswer(BaseModel):
    engine: str = Field(description="The engine that ran the query (`duckdb` or `trino`)")
    versions: list[QueriedVersion]
    columns: list[QueryColumn]
    items: list[dict[str, Any]] = Field(description="The rows of this page, one object per row")
    next: str | None = Field(description="Pass as `after` (with the same SQL) for the following page")


def get_storage(upstreams: Annotated[Upstreams, Depends(get_upstreams)]) -> ServiceClient:
    return upstreams.storage_gateway


@router.post(
    "/query",
    summary="Run SQL over versions",
    dependencies=[Depends(require_viewer)],
    response_model=QueryAnswer,
    tags=["query"],
    operation_id="runQuery",
    responses={
        200: {
            "content": {
                "application/vnd.apache.arrow.stream": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def run_query(
    body: QueryRequest, request: Request, storage: Annotated[ServiceClient, Depends(get_storage)]
) -> StreamingResponse:
    """Pin the references to exact versions, then run the query read-only within its limits."""
    return await forward(storage, request, "/query")
