"""Route of ``/recall``: a thin wrapper over :class:`RecallService`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kamld_common import patterns
from kamld_metadata_hub.dependencies import DatabaseDep
from kamld_metadata_hub.recall.schemas import RecallView
from kamld_metadata_hub.recall.service import RecallService

router = APIRouter(prefix="/recall", tags=["recall"])


@router.get("", summary="Recall content", responses={422: {"description": "Not a content digest"}})
async def recall(
    database: DatabaseDep,
    digest: Annotated[
        str,
        Query(max_length=71, description="`blake3:<64 hex>`", json_schema_extra={"pattern": patterns.DIGEST}),
    ],
) -> RecallView:
    """Every version holding this content, every version made from them, every alias on one now."""
    return await RecallService(database).recall(digest)
