"""``/search``: metadata-hub's search index behind the gateway's roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from kamld_common import patterns
from kamld_common.paging import cursor_query
from kamld_workbench_api.auth.dependencies import require_admin, require_viewer
from kamld_workbench_api.catalog.schemas import Kind
from kamld_workbench_api.search.schemas import IndexStatusView, ReindexView, SearchPage, SearchType
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/search", tags=["search"])

MAX_QUERY_LENGTH = 256


def _params(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != []}


@router.get(
    "", summary="Search the catalog", dependencies=[Depends(require_viewer)], operation_id="searchCatalog"
)
async def search(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            description='Words, "phrases", -excluded, a OR b, prefix*',
        ),
    ],
    kind: Kind | None = None,
    label: Annotated[
        list[str],
        Query(
            description="`KEY=VALUE` or `KEY`; repeat to require several",
            json_schema_extra={"items": {"type": "string", "pattern": patterns.LABEL_FILTER}},
        ),
    ] = [],  # noqa: B006
    type: Annotated[
        list[SearchType], Query(description="Only these document types; repeat for several")
    ] = [],  # noqa: A002, B006
    after: Annotated[str | None, cursor_query(8)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 20,
) -> SearchPage:
    """Ranked artifacts, versions, files and columns, with highlighted matches and facet counts.
    Answers 503 while the search engine is down (pushes go on; indexing catches up)."""
    params = _params({"q": q, "kind": kind, "label": label, "type": type, "after": after, "limit": limit})
    response = await get_upstreams(request).metadata_hub.get("/search", params=params)
    return SearchPage.model_validate_json(response.content)


@router.post(
    "/reindex",
    summary="Rebuild the search index",
    dependencies=[Depends(require_admin)],
    status_code=202,
    operation_id="reindexSearch",
)
async def reindex(request: Request) -> ReindexView:
    """Queue a rebuild of the search engine from the catalog (admin)."""
    response = await get_upstreams(request).metadata_hub.post("/search/reindex")
    return ReindexView.model_validate_json(response.content)


@router.get(
    "/status",
    summary="Indexing backlog",
    dependencies=[Depends(require_viewer)],
    operation_id="getSearchStatus",
)
async def index_status(request: Request) -> IndexStatusView:
    """Which engine answers searches and how many index jobs wait."""
    response = await get_upstreams(request).metadata_hub.get("/search/status")
    return IndexStatusView.model_validate_json(response.content)
