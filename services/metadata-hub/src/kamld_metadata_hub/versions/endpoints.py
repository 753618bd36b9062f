"""Routes of versions: push, log, resolve, and the digest listing garbage collection reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from prometheus_client import Counter

from kamld_common import patterns
from kamld_common.paging import DEFAULT_LIMIT, Limit, Page, cursor_query, limit_query
from kamld_metadata_hub.dependencies import ActorDep, ArtifactName, DatabaseDep, ResolutionCacheDep
from kamld_metadata_hub.versions.schemas import (
    CatalogVersionPage,
    PushedVersionView,
    ResolvedReference,
    VersionCreate,
    VersionView,
)
from kamld_metadata_hub.versions.service import VersionService

VERSIONS_COMMITTED = Counter(
    "kamld_catalog_versions_committed_total", "Versions committed (pushes that recorded one)"
)

router = APIRouter(tags=["versions"])

VersionRef = Annotated[
    str,
    Path(
        max_length=100,
        description="`v3`, `3`, an alias, or a digest prefix (8+ hex)",
        json_schema_extra={"pattern": patterns.REF},
    ),
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown artifact (with `suggestions`) or version"}
}
AMBIGUOUS: dict[int | str, dict[str, Any]] = {
    409: {"description": "The digest prefix matches several versions (`candidates`)"}
}


@router.post(
    "/artifacts/{name}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Record a new version",
    responses={
        200: {"description": "Nothing recorded: the newest version already holds this content (`unchanged`)"},
        **NOT_FOUND,
        409: {"description": "`parent_mismatch`, `artifact_archived` or `kind_mismatch`"},
    },
)
async def create(
    name: ArtifactName, body: VersionCreate, database: DatabaseDep, actor: ActorDep, response: Response
) -> PushedVersionView:
    """Number the next version, link parents and inputs, move `latest`; `kind` creates a new artifact.

    Labels and description apply to the artifact with the version; content equal to the newest
    version's records nothing (200, `unchanged`) unless `allow_empty`."""
    pushed = await VersionService(database).create(name, body, actor)
    if pushed.unchanged:
        response.status_code = status.HTTP_200_OK
    else:
        VERSIONS_COMMITTED.inc()
    return pushed


@router.get(
    "/artifacts/{name}/versions",
    summary="Version log",
    responses=NOT_FOUND,
    response_model=Page[VersionView],
    operation_id="listVersions",
)
async def log(
    name: ArtifactName,
    database: DatabaseDep,
    cache: ResolutionCacheDep,
    after: Annotated[str | None, cursor_query(12, patterns.VERSION_CURSOR)] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    """The artifact's versions, newest first."""
    body = await VersionService(database, cache).log_rendered(name, after, limit)
    return Response(content=body, media_type="application/json")


@router.get(
    "/artifacts/{name}/versions/{ref}",
    summary="Resolve a version",
    responses={**NOT_FOUND, **AMBIGUOUS},
    response_model=VersionView,
)
async def get(
    name: ArtifactName, ref: VersionRef, database: DatabaseDep, cache: ResolutionCacheDep
) -> Response:
    """One version by number, alias or digest prefix."""
    body = await VersionService(database, cache).get_rendered(name, ref)
    return Response(content=body, media_type="application/json")


@router.get("/resolve", summary="Resolve NAME[:REF][/PATH]", responses={**NOT_FOUND, **AMBIGUOUS})
async def resolve(
    database: DatabaseDep,
    ref: Annotated[
        str,
        Query(
            min_length=1,
            max_length=4096,
            examples=["faces:v3/train.csv"],
            json_schema_extra={"pattern": patterns.NAME_REF[:-1] + "(?:/" + patterns.PATH[1:-1] + ")?$"},
        ),
    ],
) -> ResolvedReference:
    """The version a full reference names (no REF means `latest`), plus the path it carries."""
    return await VersionService(database).resolve(ref)


@router.get("/digests", summary="All version digests", operation_id="listDigests")
async def digests(
    database: DatabaseDep,
    after: Annotated[str | None, cursor_query(71)] = None,
    limit: Annotated[int, limit_query(10_000)] = 1000,
) -> Page[str]:
    """Every distinct digest any version references (archived artifacts included), sorted; what GC keeps."""
    return await VersionService(database).digests(after, limit)


@router.get(
    "/catalog-versions",
    summary="Versions with their digests, for a consistency check",
    responses={404: {"description": "Unknown artifact"}},
    operation_id="listCatalogVersions",
)
async def catalog_versions(
    database: DatabaseDep,
    artifact: Annotated[
        str | None, Query(max_length=128, description="Only this artifact's versions", pattern=patterns.NAME)
    ] = None,
    after: Annotated[str | None, cursor_query(18, r"^[0-9]*$")] = None,
    limit: Annotated[int, limit_query(1000)] = DEFAULT_LIMIT,
) -> CatalogVersionPage:
    """Every version (archived artifacts included) in the order recorded: artifact, number, digest."""
    return await VersionService(database).catalog_versions(artifact, after, limit)
