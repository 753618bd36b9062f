"""Route of a version's profile: a thin wrapper over :class:`ProfileService`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from kamld_metadata_hub.dependencies import ArtifactName
from kamld_metadata_hub.profiles.schemas import FileProfileView, VersionProfileView
from kamld_metadata_hub.profiles.service import ProfileService
from kamld_metadata_hub.versions.endpoints import VersionRef

router = APIRouter(prefix="/artifacts", tags=["profiles"])


@router.get(
    "/{name}/versions/{ref}/profile",
    summary="Profile of a version",
    responses={404: {"description": "Unknown version, or the file has no profile (yet)"}},
)
async def get_profile(
    request: Request,
    name: ArtifactName,
    ref: VersionRef,
    path: Annotated[str | None, Query(max_length=4096, description="One table's full profile")] = None,
) -> VersionProfileView | FileProfileView:
    """The version's tables (schema, row count) and images summary, or with `path` one table's
    column statistics; `status` pending while the version is being profiled."""
    service = ProfileService(request.app.state.database, request.app.state.index_queue)
    if path:
        return await service.file_profile(name, ref, path)
    return await service.version_profile(name, ref)
