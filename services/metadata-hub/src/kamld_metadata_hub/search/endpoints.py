"""Routes of ``/search``: thin wrappers over :class:`SearchService`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kamld_common import patterns
from kamld_common.paging import cursor_query
from kamld_metadata_hub.schemas import Kind
from kamld_metadata_hub.search.query import MAX_QUERY_LENGTH
from kamld_metadata_hub.search.schemas import IndexStatusView, ReindexView, SearchPage, SearchType
from kamld_metadata_hub.search.service import SearchService

router = APIRouter(prefix="/search", tags=["search"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Malformed query (`code` search_syntax, with what is wrong) or filter"},
    503: {"description": "The search engine is unavailable (`code` search_unavailable)"},
}


def search_service(request: Request) -> SearchService:
    state = request.app.state
    return SearchService(state.search_index, state.database, state.index_queue)


@router.get("", summary="Search the catalog", responses=PROBLEMS)
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
    ] = [],  # noqa: B006
    after: Annotated[str | None, cursor_query(8)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 20,
) -> SearchPage:
    """Ranked artifacts, versions, files and columns, with highlighted matches and facet counts."""
    return await search_service(request).search(
        q, kind=kind, label_filters=label, types=list(type), after=after, limit=limit
    )


@router.post("/reindex", summary="Rebuild the search index", status_code=202, responses={503: PROBLEMS[503]})
async def reindex(request: Request) -> ReindexView:
    """Queue a rebuild of the search engine from the catalog; the indexing workers carry it out."""
    view = await search_service(request).reindex()
    request.app.state.index_workers.wake()
    return view


@router.get("/status", summary="Indexing backlog")
async def index_status(request: Request) -> IndexStatusView:
    """Which engine answers searches and how many index jobs wait."""
    return await search_service(request).status()
