"""The consistency check route (admin; reached through workbench-api's ``GET /api/v1/verify``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from kamld_common import patterns
from kamld_common.paging import cursor_query, limit_query
from kamld_storage_gateway.verify.schemas import VerifyPage
from kamld_storage_gateway.verify.service import Verifier

router = APIRouter(tags=["verify"])


@router.get(
    "/verify",
    summary="Check versions against the object store",
    response_model=VerifyPage,
    operation_id="verifyVersions",
    responses={404: {"description": "Unknown artifact or version"}},
)
async def verify(
    request: Request,
    artifact: Annotated[
        str | None, Query(max_length=128, description="Only this artifact's versions", pattern=patterns.NAME)
    ] = None,
    ref: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Only this version of `artifact` (`v3`, an alias, a digest prefix)",
            json_schema_extra={"pattern": patterns.REF},
        ),
    ] = None,
    after: Annotated[str | None, cursor_query(18, r"^[0-9]*$")] = None,
    limit: Annotated[int, limit_query(200)] = 20,
) -> VerifyPage:
    """For each version: its manifest objects and chunks that are missing, and the files they break."""
    verifier: Verifier = request.app.state.verifier
    return await verifier.check(artifact, ref, after, limit)
