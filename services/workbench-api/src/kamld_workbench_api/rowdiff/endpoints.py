"""``/artifacts/{name}/diff/rows``: rows added, removed and changed in one table between versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kamld_common.paging import cursor_query
from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.catalog.endpoints import Name
from kamld_workbench_api.catalog.schemas import REF_PATTERN
from kamld_workbench_api.catalog.service import segment
from kamld_workbench_api.rowdiff.schemas import RowDiffView
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/artifacts", tags=["versions"])
Ref = {"min_length": 1, "max_length": 100, "json_schema_extra": {"pattern": REF_PATTERN}}


@router.get(
    "/{name}/diff/rows",
    summary="Row-level diff of a table",
    dependencies=[Depends(require_viewer)],
    operation_id="diffTableRows",
    response_model_by_alias=True,
)
async def diff_rows(
    request: Request,
    name: Name,
    from_: Annotated[str, Query(alias="from", description="The older ref", **Ref)],
    to: Annotated[str, Query(description="The newer ref", **Ref)],
    path: Annotated[
        str, Query(min_length=1, max_length=4096, description="The table (CSV, TSV, Parquet, JSONL)")
    ],
    key: Annotated[str | None, Query(max_length=256, description="Match rows by this column")] = None,
    after: Annotated[str | None, cursor_query(12)] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Changed rows per page, 1 to 1000")] = 100,
) -> RowDiffView:
    """Rows added, removed and changed (by `key`, or whole rows without one) and columns added,
    removed or retyped between two versions of one table; paged."""
    params: dict[str, str | int] = {"from": from_, "to": to, "path": path, "limit": limit}
    if key:
        params["key"] = key
    if after:
        params["after"] = after
    response = await get_upstreams(request).metadata_hub.get(
        f"/artifacts/{segment(name)}/diff/rows", params=params
    )
    return RowDiffView.model_validate_json(response.content)
