"""``/artifacts/{name}/versions/{ref}/profile``: what a version's tables and images hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.catalog.endpoints import Name, Ref
from kamld_workbench_api.catalog.service import segment
from kamld_workbench_api.profiles.schemas import FileProfileView, VersionProfileView
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/artifacts", tags=["profiles"])


@router.get(
    "/{name}/versions/{ref}/profile",
    summary="Profile of a version",
    dependencies=[Depends(require_viewer)],
    operation_id="getProfile",
)
async def get_profile(
    request: Request,
    name: Name,
    ref: Ref,
    path: Annotated[str | None, Query(max_length=4096, description="One table's full profile")] = None,
) -> VersionProfileView | FileProfileView:
    """The version's tables (schema, row count, status) and a summary of its images; with `path`,
    one table's column statistics. `status` is pending while the version is being profiled."""
    params = {"path": path} if path else {}
    url = f"/artifacts/{segment(name)}/versions/{segment(ref)}/profile"
    response = await get_upstreams(request).metadata_hub.get(url, params=params)
    if path:
        return FileProfileView.model_validate_json(response.content)
    return VersionProfileView.model_validate_json(response.content)
