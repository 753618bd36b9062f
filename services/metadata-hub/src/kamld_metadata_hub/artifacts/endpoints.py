"""Routes of ``/artifacts``: thin wrappers over :class:`ArtifactService`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from kamld_common import patterns
from kamld_common.paging import DEFAULT_LIMIT, Limit, Page, cursor_query
from kamld_metadata_hub.artifacts.schemas import ArtifactCreate, ArtifactUpdate, ArtifactView
from kamld_metadata_hub.artifacts.service import ArtifactService
from kamld_metadata_hub.dependencies import ActorDep, ArtifactName, DatabaseDep, ResolutionCacheDep
from kamld_metadata_hub.schemas import Kind

router = APIRouter(prefix="/artifacts", tags=["artifacts"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown artifact (with `suggestions`)"},
    422: {"description": "Invalid input"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an artifact",
    responses={409: {"description": "The name is taken"}, 422: PROBLEMS[422]},
)
async def create(body: ArtifactCreate, database: DatabaseDep, actor: ActorDep) -> ArtifactView:
    """Register a new, empty artifact (pushing a version with a `kind` also creates one)."""
    return await ArtifactService(database).create(body, actor)


@router.get("", summary="List artifacts")
async def list_artifacts(
    database: DatabaseDep,
    kind: Kind | None = None,
    label: Annotated[
        list[str],
        Query(
            description="`KEY=VALUE` or `KEY`; repeat to require several",
            json_schema_extra={"items": {"type": "string", "pattern": patterns.LABEL_FILTER}},
        ),
    ] = [],  # noqa: B006
    include_archived: bool = False,
    after: Annotated[str | None, cursor_query(128)] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ArtifactView]:
    """Artifacts sorted by name, filtered by kind and labels; archived ones only on request."""
    return await ArtifactService(database).list(
        kind=kind, label_filters=label, include_archived=include_archived, after=after, limit=limit
    )


@router.get("/{name}", summary="Get an artifact", responses=PROBLEMS, response_model=ArtifactView)
async def get(name: ArtifactName, database: DatabaseDep, cache: ResolutionCacheDep) -> Response:
    """One artifact with its labels, version count and the version `latest` points at."""
    body = await ArtifactService(database, cache).get_rendered(name)
    return Response(content=body, media_type="application/json")


@router.patch("/{name}", summary="Update description and labels", responses=PROBLEMS)
async def update(
    name: ArtifactName, body: ArtifactUpdate, database: DatabaseDep, actor: ActorDep
) -> ArtifactView:
    """Merge patch: set the description; set labels, or remove them by sending null."""
    return await ArtifactService(database).update(name, body, actor)


@router.post("/{name}/archive", summary="Archive an artifact", responses=PROBLEMS)
async def archive(name: ArtifactName, database: DatabaseDep, actor: ActorDep) -> ArtifactView:
    """Hide the artifact from listings and refuse new versions; its versions stay readable."""
    return await ArtifactService(database).set_archived(name, True, actor)


@router.post("/{name}/unarchive", summary="Restore an archived artifact", responses=PROBLEMS)
async def unarchive(name: ArtifactName, database: DatabaseDep, actor: ActorDep) -> ArtifactView:
    """Undo an archive: the artifact is listed and accepts versions again."""
    return await ArtifactService(database).set_archived(name, False, actor)
