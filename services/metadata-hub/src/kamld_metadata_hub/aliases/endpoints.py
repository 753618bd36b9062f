"""Routes of ``/artifacts/{name}/aliases``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from kamld_common import patterns
from kamld_common.paging import DEFAULT_LIMIT, Limit, Page, cursor_query
from kamld_metadata_hub.aliases.schemas import AliasEventView, AliasSet, AliasView
from kamld_metadata_hub.aliases.service import AliasService
from kamld_metadata_hub.dependencies import ActorDep, ArtifactName, DatabaseDep
from kamld_metadata_hub.promotion.schemas import AliasPolicySet, AliasPolicyView
from kamld_metadata_hub.promotion.service import PolicyService

router = APIRouter(prefix="/artifacts/{name}/aliases", tags=["aliases"])

AliasName = Annotated[
    str,
    Path(
        max_length=63,
        description="Alias name, e.g. `production`",
        json_schema_extra={"pattern": patterns.ALIAS},
    ),
]
SettableAlias = Annotated[
    str,
    Path(
        max_length=63,
        description="Alias name, e.g. `production` (not `latest`, which every push moves)",
        json_schema_extra={"pattern": patterns.SETTABLE_ALIAS},
    ),
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown artifact, alias or version"}}


@router.get("", summary="List aliases", responses=NOT_FOUND)
async def list_aliases(name: ArtifactName, database: DatabaseDep) -> list[AliasView]:
    """Every alias of the artifact with the version it points at, `latest` included."""
    return await AliasService(database).list(name)


@router.put(
    "/{alias}",
    summary="Set or move an alias",
    responses={
        **NOT_FOUND,
        409: {
            "description": "`alias_mismatch` (compare-and-set lost), `artifact_archived`, or "
            "`promotion_refused` (the alias's policy refuses the version; `reasons` lists every "
            "failing rule as `{rule, message}`)"
        },
        422: {"description": "Invalid or reserved alias (`latest`)"},
    },
)
async def set_alias(
    name: ArtifactName, alias: SettableAlias, body: AliasSet, database: DatabaseDep, actor: ActorDep
) -> AliasView:
    """Point the alias at a version, recording the move; `expected_version` makes it compare-and-set."""
    return await AliasService(database).set(name, alias, body, actor)


@router.delete(
    "/{alias}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an alias", responses=NOT_FOUND
)
async def delete_alias(
    name: ArtifactName, alias: SettableAlias, database: DatabaseDep, actor: ActorDep
) -> Response:
    """Remove the alias; the deletion stays in its history."""
    await AliasService(database).delete(name, alias, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{alias}/history", summary="Alias history", responses=NOT_FOUND, operation_id="listAliasHistory")
async def history(
    name: ArtifactName,
    alias: AliasName,
    database: DatabaseDep,
    after: Annotated[str | None, cursor_query(20, patterns.EVENT_CURSOR)] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AliasEventView]:
    """Every move of the alias (who, when, from which version to which), newest first."""
    return await AliasService(database).history(name, alias, after, limit)


@router.get(
    "/{alias}/policy",
    summary="Get an alias's promotion policy",
    responses={404: {"description": "Unknown artifact, or the alias has no policy (`policy_not_found`)"}},
    operation_id="getAliasPolicy",
)
async def get_policy(name: ArtifactName, alias: AliasName, database: DatabaseDep) -> AliasPolicyView:
    """The rules every move of the alias must pass."""
    return await PolicyService(database).get(name, alias)


@router.put(
    "/{alias}/policy",
    summary="Set an alias's promotion policy",
    responses={**NOT_FOUND, 409: {"description": "`artifact_archived`"}},
    operation_id="setAliasPolicy",
)
async def set_policy(
    name: ArtifactName, alias: SettableAlias, body: AliasPolicySet, database: DatabaseDep, actor: ActorDep
) -> AliasPolicyView:
    """Replace the rules every later move of the alias must pass; the alias need not exist yet."""
    return await PolicyService(database).put(name, alias, body, actor)


@router.delete(
    "/{alias}/policy",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an alias's promotion policy",
    responses={404: {"description": "Unknown artifact, or the alias has no policy (`policy_not_found`)"}},
    operation_id="deleteAliasPolicy",
)
async def delete_policy(name: ArtifactName, alias: SettableAlias, database: DatabaseDep) -> Response:
    """Let the alias move freely again."""
    await PolicyService(database).delete(name, alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
