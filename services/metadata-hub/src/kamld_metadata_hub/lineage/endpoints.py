"""Route of lineage graphs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kamld_common import patterns
from kamld_metadata_hub.dependencies import ArtifactName, DatabaseDep
from kamld_metadata_hub.lineage.schemas import Direction, LineageGraph
from kamld_metadata_hub.lineage.service import LineageService

router = APIRouter(tags=["lineage"])


@router.get(
    "/artifacts/{name}/versions/{ref}/lineage",
    summary="Lineage of a version",
    operation_id="getLineage",
    responses={
        404: {"description": "Unknown artifact or version"},
        409: {"description": "Ambiguous digest prefix"},
    },
)
async def lineage(
    name: ArtifactName,
    ref: Annotated[str, Path(max_length=100, json_schema_extra={"pattern": patterns.REF})],
    database: DatabaseDep,
    direction: Direction = "both",
    depth: Annotated[int, Query(ge=1, le=100)] = 5,
) -> LineageGraph:
    """Versions upstream (parents, inputs) and/or downstream of this one, up to `depth` edges away."""
    return await LineageService(database).graph(name, ref, direction, depth)
