"""Route of a table's row-level diff: a thin wrapper over :class:`RowDiffService`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from kamld_common.paging import cursor_query
from kamld_metadata_hub.dependencies import ArtifactName
from kamld_metadata_hub.rowdiff.schemas import RowDiffView
from kamld_metadata_hub.rowdiff.service import RowDiffService

router = APIRouter(prefix="/artifacts", tags=["versions"])


@router.get(
    "/{name}/diff/rows",
    summary="Row-level diff of a table",
    response_model_by_alias=True,
    responses={404: {"description": "Unknown version, or the file is not in one of them"}},
)
async def diff_rows(
    request: Request,
    name: ArtifactName,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=100, description="The older ref")],
    to: Annotated[str, Query(min_length=1, max_length=100, description="The newer ref")],
    path: Annotated[
        str, Query(min_length=1, max_length=4096, description="The table (CSV, TSV, Parquet, JSONL)")
    ],
    key: Annotated[str | None, Query(max_length=256, description="Match rows by this column")] = None,
    after: Annotated[str | None, cursor_query(12)] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Changed rows per page, 1 to 1000")] = 100,
) -> RowDiffView:
    """Rows added, removed and changed (by `key`, or whole rows without one) and columns added,
    removed or retyped between two versions of one table; paged."""
    settings = request.app.state.settings
    service = RowDiffService(
        request.app.state.database,
        settings.storage_gateway_url,
        settings.internal_token,
        settings.profile_memory,
    )
    return await service.diff(name, from_, to, path, key, after, limit)
