"""Public catalog routes: thin handlers over :class:`Catalog`, each with the role it needs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from kamld_common import patterns
from kamld_common.errors import Invalid
from kamld_common.paging import Limit, Page, cursor_query
from kamld_workbench_api.auth.dependencies import check_role, require_admin, require_editor, require_viewer
from kamld_workbench_api.auth.schemas import Caller, Role
from kamld_workbench_api.catalog.schemas import (
    ALIAS_PATTERN,
    LABEL_FILTER_PATTERN,
    NAME_PATTERN,
    PATH_PATTERN,
    REF_PATTERN,
    SETTABLE_ALIAS_PATTERN,
    AliasEventView,
    AliasPolicySet,
    AliasPolicyView,
    AliasSet,
    AliasView,
    ArtifactCreate,
    ArtifactUpdate,
    ArtifactView,
    DiffView,
    FileView,
    Kind,
    LineageGraph,
    PushedVersionView,
    VersionCreate,
    VersionView,
)
from kamld_workbench_api.catalog.service import Catalog
from kamld_workbench_api.limits.metadata import check_metadata
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/artifacts")

Viewer = [Depends(require_viewer)]
Editor = [Depends(require_editor)]
Admin = [Depends(require_admin)]

# The owning service enforces these patterns (and answers 422 with its own error code); here they
# document the rules, so a generated client or a fuzzer knows a valid value.
Name = Annotated[
    str,
    Path(
        max_length=128,
        description="Artifact name",
        examples=["faces"],
        json_schema_extra={"pattern": NAME_PATTERN},
    ),
]
Ref = Annotated[
    str,
    Path(
        max_length=100,
        description="`v3`, `3`, an alias, or a digest prefix (8+ hex)",
        examples=["v1", "latest"],
        json_schema_extra={"pattern": REF_PATTERN},
    ),
]
SettableAlias = Annotated[
    str,
    Path(
        max_length=63,
        description="Alias name, e.g. `production` (not `latest`, which every push moves)",
        examples=["production"],
        json_schema_extra={"pattern": SETTABLE_ALIAS_PATTERN},
    ),
]
AliasName = Annotated[
    str,
    Path(
        max_length=63,
        description="Alias name, e.g. `production`",
        examples=["production"],
        json_schema_extra={"pattern": ALIAS_PATTERN},
    ),
]


After = Annotated[str | None, cursor_query()]
AfterName = Annotated[str | None, cursor_query(128)]
AfterNumber = Annotated[str | None, cursor_query(12, patterns.VERSION_CURSOR)]
AfterEvent = Annotated[str | None, cursor_query(20, patterns.EVENT_CURSOR)]


async def get_catalog(request: Request) -> Catalog:
    """Async (and calling ``get_upstreams`` directly) so FastAPI needs no thread for it."""
    upstreams = get_upstreams(request)
    state = request.app.state
    return Catalog(
        upstreams.metadata_hub,
        upstreams.storage_gateway,
        state.version_reads,
        state.recent_versions,
        state.catalog_reads,
        state.file_pages,
    )


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def _json(body: bytes) -> Any:
    """An answer already in its public shape, sent as is: the declared model documents it, and
    validating and rendering it again would cost more than the rest of the request."""
    return Response(content=body, media_type="application/json")


@router.get(
    "", tags=["artifacts"], summary="List artifacts", dependencies=Viewer, operation_id="listArtifacts"
)
async def list_artifacts(
    catalog: CatalogDep,
    kind: Kind | None = None,
    label: Annotated[
        list[str],
        Query(
            description="`KEY=VALUE` or `KEY`; repeat to require several",
            json_schema_extra={"items": {"type": "string", "pattern": LABEL_FILTER_PATTERN}},
        ),
    ] = [],  # noqa: B006
    include_archived: bool = False,
    after: AfterName = None,
    limit: Limit = 100,
    q: Annotated[
        str | None,
        Query(
            include_in_schema=False,
            description="Not a filter of this list: refused (422) with a pointer to "
            "`GET /api/v1/search?type=artifact`, the search people mean",
        ),
    ] = None,
) -> Page[ArtifactView]:
    """Artifacts sorted by name, filtered by kind and labels."""
    if q is not None:
        raise Invalid(
            "this list does not search; use GET /api/v1/search?q=...&type=artifact (kamld search)",
            field=["query", "q"],
            code="use_search",
        )
    return await catalog.list_artifacts(
        kind=kind, label=label, include_archived=include_archived, after=after, limit=limit
    )


@router.post(
    "",
    tags=["artifacts"],
    summary="Create an artifact",
    dependencies=Editor,
    status_code=status.HTTP_201_CREATED,
    operation_id="createArtifact",
)
async def create_artifact(body: ArtifactCreate, catalog: CatalogDep) -> ArtifactView:
    """Register a new, empty artifact (a push with `kind` also creates one)."""
    return await catalog.create_artifact(body.model_dump())


@router.get(
    "/{name}", tags=["artifacts"], summary="Get an artifact", dependencies=Viewer, operation_id="getArtifact"
)
async def get_artifact(name: Name, catalog: CatalogDep) -> ArtifactView:
    """One artifact with its labels, version count and latest version."""
    return _json(await catalog.artifact_body(name))


@router.patch(
    "/{name}",
    tags=["artifacts"],
    summary="Update an artifact",
    dependencies=Editor,
    operation_id="updateArtifact",
)
async def update_artifact(name: Name, body: ArtifactUpdate, catalog: CatalogDep) -> ArtifactView:
    """Merge patch of description and labels (a label set to null is removed)."""
    return await catalog.update_artifact(name, body.model_dump(exclude_unset=True))


@router.post(
    "/{name}/archive",
    tags=["artifacts"],
    summary="Archive an artifact",
    dependencies=Admin,
    operation_id="archiveArtifact",
)
async def archive_artifact(name: Name, catalog: CatalogDep) -> ArtifactView:
    """Hide the artifact from listings and refuse new versions; its versions stay readable."""
    return await catalog.set_archived(name, True)


@router.post(
    "/{name}/unarchive",
    tags=["artifacts"],
    summary="Restore an archived artifact",
    dependencies=Admin,
    operation_id="unarchiveArtifact",
)
async def unarchive_artifact(name: Name, catalog: CatalogDep) -> ArtifactView:
    """Undo an archive."""
    return await catalog.set_archived(name, False)


@router.get(
    "/{name}/versions",
    tags=["versions"],
    summary="Version log",
    dependencies=Viewer,
    operation_id="listVersions",
)
async def log(
    name: Name, catalog: CatalogDep, after: AfterNumber = None, limit: Limit = 100
) -> Page[VersionView]:
    """The artifact's versions, newest first."""
    return _json(await catalog.log_body(name, after=after, limit=limit))


@router.post(
    "/{name}/versions",
    tags=["versions"],
    summary="Create a version from a committed upload",
    dependencies=Editor,
    status_code=status.HTTP_201_CREATED,
    operation_id="createVersion",
    responses={
        200: {
            "model": PushedVersionView,
            "description": "Nothing recorded: the newest version already holds this content (`unchanged`)",
        },
        409: {"description": "`parent_mismatch`, `artifact_archived` or `kind_mismatch`"},
    },
)
async def create_version(
    name: Name, body: VersionCreate, request: Request, catalog: CatalogDep, response: Response
) -> PushedVersionView:
    """Record the committed manifest `digest` as the next version and move `latest`; labels and
    description given apply to the artifact with it. Content equal to the newest version's records
    nothing (200, `unchanged: true`) unless `allow_empty`."""
    settings = request.app.state.settings
    check_metadata(
        body.metadata, max_depth=settings.metadata_max_depth, max_bytes=settings.metadata_max_bytes
    )
    pushed = await catalog.create_version(name, body.model_dump(exclude_unset=True))
    if pushed.get("unchanged"):
        response.status_code = status.HTTP_200_OK
    return pushed


@router.get(
    "/{name}/versions/{ref}",
    tags=["versions"],
    summary="Get a version",
    dependencies=Viewer,
    operation_id="getVersion",
    response_model=VersionView,
)
async def get_version(
    name: Name,
    ref: Ref,
    catalog: CatalogDep,
    cache_control: Annotated[
        str | None,
        Header(
            description="`no-cache` resolves exactly now; otherwise the answer may be up to "
            "`KAMLD_WORKBENCH_API_RESOLUTION_CACHE_TTL_S` old (its `Age` header says how old)"
        ),
    ] = None,
) -> Response:
    """One version by number, alias or digest prefix."""
    directives = {part.strip().lower() for part in (cache_control or "").split(",")}
    if directives & {"no-cache", "no-store", "max-age=0"}:
        body, age = await catalog.version_body(name, ref), 0.0
    else:
        body, age = await catalog.recent_version_body(name, ref)
    ttl = catalog.recent_versions.ttl_s
    headers = {"Age": str(int(age)), "Cache-Control": f"private, max-age={int(ttl)}" if ttl else "no-cache"}
    return Response(content=body, media_type="application/json", headers=headers)


@router.get(
    "/{name}/versions/{ref}/files",
    tags=["files"],
    summary="List files",
    dependencies=Viewer,
    operation_id="listFiles",
)
async def list_files(
    name: Name,
    ref: Ref,
    catalog: CatalogDep,
    prefix: Annotated[str, Query(max_length=4096, description="Only paths starting with this")] = "",
    after: After = None,
    limit: Limit = 1000,
) -> Page[FileView]:
    """The version's files in path order, a page at a time."""
    return _json(await catalog.list_files_body(name, ref, prefix=prefix or None, after=after, limit=limit))


FilePath = Annotated[
    str,
    Path(
        max_length=4096,
        description="Path of the file in the version",
        json_schema_extra={"pattern": PATH_PATTERN},
    ),
]
RangeHeader = Annotated[str | None, Header(alias="Range", max_length=200)]
IfRangeHeader = Annotated[str | None, Header(alias="If-Range", max_length=200)]
IfNoneMatchHeader = Annotated[str | None, Header(alias="If-None-Match", max_length=200)]
FILE_HEADERS = {
    "Content-Type": {"description": "By the file name's extension; `application/octet-stream` if unknown"},
    "Content-Disposition": {
        "description": "`inline` (`attachment` for HTML, SVG, XML, scripts) with the name"
    },
    "Content-Length": {"description": "Bytes of the file, or of the range"},
    "ETag": {"description": "The file's digest"},
}


def _conditions(range_: str | None, if_range: str | None, if_none_match: str | None) -> dict[str, str]:
    conditions = {"Range": range_, "If-Range": if_range, "If-None-Match": if_none_match}
    return {key: value for key, value in conditions.items() if value}


@router.get(
    "/{name}/versions/{ref}/files/{path:path}",
    tags=["files"],
    summary="Download a file",
    dependencies=Viewer,
    operation_id="downloadFile",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "The file's bytes",
            "headers": FILE_HEADERS,
        },
        206: {"content": {"application/octet-stream": {}}, "description": "The requested range"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
        416: {"description": "Range not satisfiable"},
    },
)
async def download(
    name: Name,
    ref: Ref,
    path: FilePath,
    catalog: CatalogDep,
    range_: RangeHeader = None,
    if_range: IfRangeHeader = None,
    if_none_match: IfNoneMatchHeader = None,
) -> StreamingResponse:
    """Stream one file; a `Range: bytes=…` request answers 206 with that part; `ETag` is the file digest.
    `Content-Type` follows the file name's extension and `Content-Disposition` names the file."""
    conditions = _conditions(range_, if_range, if_none_match)
    stream = await catalog.open_file(name, ref, path, conditions)
    return StreamingResponse(stream.chunks(), status_code=stream.status, headers=stream.headers)


@router.head(
    "/{name}/versions/{ref}/files/{path:path}",
    tags=["files"],
    summary="A file's headers",
    dependencies=Viewer,
    operation_id="headFile",
    response_class=Response,
    responses={
        200: {
            "description": "The headers a download would answer, without the bytes",
            "headers": FILE_HEADERS,
        },
        206: {"description": "The headers of the requested range"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
        416: {"description": "Range not satisfiable"},
    },
)
async def head(
    name: Name,
    ref: Ref,
    path: FilePath,
    catalog: CatalogDep,
    range_: RangeHeader = None,
    if_range: IfRangeHeader = None,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    """What a download would answer, status and headers (type, name, length, ETag), with no body."""
    conditions = _conditions(range_, if_range, if_none_match)
    stream = await catalog.open_file(name, ref, path, conditions, method="HEAD")
    await stream.close()
    return Response(status_code=stream.status, headers=stream.headers)


@router.get(
    "/{name}/diff",
    tags=["versions"],
    summary="Diff two versions",
    dependencies=Viewer,
    operation_id="diffVersions",
)
async def diff(
    name: Name,
    catalog: CatalogDep,
    from_: Annotated[
        str,
        Query(
            alias="from",
            min_length=1,
            max_length=100,
            description="The older ref",
            json_schema_extra={"pattern": REF_PATTERN},
        ),
    ],
    to: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="The newer ref",
            json_schema_extra={"pattern": REF_PATTERN},
        ),
    ],
    after: After = None,
    limit: Limit = 1000,
) -> DiffView:
    """Files added, removed, modified or renamed from one version to another, in path order."""
    return await catalog.diff(name, from_, to, after=after, limit=limit)


@router.get(
    "/{name}/aliases",
    tags=["aliases"],
    summary="List aliases",
    dependencies=Viewer,
    operation_id="listAliases",
)
async def list_aliases(name: Name, catalog: CatalogDep) -> list[AliasView]:
    """Every alias of the artifact with the version it points at."""
    return await catalog.aliases(name)


@router.put(
    "/{name}/aliases/{alias}",
    tags=["aliases"],
    summary="Set or move an alias",
    operation_id="setAlias",
    responses={
        403: {"description": "Below the editor role, or `override_reason` sent without the admin role"},
        409: {
            "description": "`alias_mismatch` (compare-and-set lost), `artifact_archived`, or "
            "`promotion_refused`: the alias's policy refuses the version; `reasons` lists every "
            "failing rule as `{rule, message}`"
        },
    },
)
async def set_alias(
    name: Name,
    alias: SettableAlias,
    body: AliasSet,
    catalog: CatalogDep,
    caller: Annotated[Caller, Depends(require_editor)],
) -> AliasView:
    """Point the alias at a version; `expected_version` makes the move compare-and-set (409 when lost).
    When the alias has a promotion policy the version must pass it (409 `promotion_refused` lists every
    reason); an admin may move anyway with `override_reason`, which the alias history keeps."""
    if body.override_reason is not None:
        check_role(
            caller,
            Role.admin,
            "only an admin may override a promotion policy",
            code="override_requires_admin",
            field=["body", "override_reason"],
        )
    return await catalog.set_alias(name, alias, body.model_dump(exclude_unset=True))


@router.delete(
    "/{name}/aliases/{alias}",
    tags=["aliases"],
    summary="Delete an alias",
    dependencies=Editor,
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteAlias",
)
async def delete_alias(name: Name, alias: SettableAlias, catalog: CatalogDep) -> Response:
    """Remove the alias; the deletion stays in its history."""
    await catalog.delete_alias(name, alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{name}/aliases/{alias}/policy",
    tags=["aliases"],
    summary="Get an alias's promotion policy",
    dependencies=Viewer,
    operation_id="getAliasPolicy",
)
async def get_alias_policy(name: Name, alias: AliasName, catalog: CatalogDep) -> AliasPolicyView:
    """The rules every move of the alias must pass (404 `policy_not_found` when it has none)."""
    return await catalog.alias_policy(name, alias)


@router.put(
    "/{name}/aliases/{alias}/policy",
    tags=["aliases"],
    summary="Set an alias's promotion policy",
    dependencies=Admin,
    operation_id="setAliasPolicy",
)
async def set_alias_policy(
    name: Name, alias: SettableAlias, body: AliasPolicySet, catalog: CatalogDep
) -> AliasPolicyView:
    """Replace the rules every later move of the alias must pass; the alias need not exist yet."""
    return await catalog.set_alias_policy(name, alias, body.model_dump(exclude_unset=True))


@router.delete(
    "/{name}/aliases/{alias}/policy",
    tags=["aliases"],
    summary="Delete an alias's promotion policy",
    dependencies=Admin,
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteAliasPolicy",
)
async def delete_alias_policy(name: Name, alias: SettableAlias, catalog: CatalogDep) -> Response:
    """Let the alias move freely again."""
    await catalog.delete_alias_policy(name, alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{name}/aliases/{alias}/history",
    tags=["aliases"],
    summary="Alias history",
    dependencies=Viewer,
    operation_id="listAliasHistory",
)
async def alias_history(
    name: Name, alias: AliasName, catalog: CatalogDep, after: AfterEvent = None, limit: Limit = 100
) -> Page[AliasEventView]:
    """Every move of the alias, newest first."""
    return await catalog.alias_history(name, alias, after=after, limit=limit)


@router.get(
    "/{name}/versions/{ref}/lineage",
    tags=["lineage"],
    summary="Lineage graph",
    dependencies=Viewer,
    operation_id="getLineage",
)
async def lineage(
    name: Name,
    ref: Ref,
    catalog: CatalogDep,
    direction: Literal["up", "down", "both"] = "up",
    depth: Annotated[int, Query(ge=1, le=100)] = 10,
) -> LineageGraph:
    """Versions this one was made from (`up`), made from it (`down`), or both, to `depth` hops."""
    return await catalog.lineage(name, ref, direction=direction, depth=depth)
