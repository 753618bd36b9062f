"""``/recall``: where one file's content went, by its digest or by a reference to the file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kamld_common import patterns
from kamld_common.errors import Invalid
from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.catalog.service import file_path, segment
from kamld_workbench_api.recall.schemas import RecallView
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/recall", tags=["recall"])


@router.get(
    "",
    summary="Recall content",
    dependencies=[Depends(require_viewer)],
    operation_id="recallContent",
    responses={404: {"description": "`ref` names an artifact, version or file that does not exist"}},
)
async def recall(
    request: Request,
    digest: Annotated[
        str | None,
        Query(
            max_length=71,
            description="The content's digest, `blake3:<64 hex>`",
            json_schema_extra={"pattern": patterns.DIGEST},
        ),
    ] = None,
    ref: Annotated[
        str | None,
        Query(max_length=4096, description="Or a file: `NAME[:REF]/PATH` (its content's digest is used)"),
    ] = None,
) -> RecallView:
    """Every version of every artifact holding exactly this content (whatever its path), every
    version made from those (splits, models), and every alias pointing at one of them now."""
    if (digest is None) == (ref is None):
        raise Invalid(
            "give exactly one of digest and ref", field=["query", "digest" if digest is None else "ref"]
        )
    upstreams = get_upstreams(request)
    if ref is not None:
        resolved = (await upstreams.metadata_hub.get("/resolve", params={"ref": ref})).json()
        if not resolved.get("path"):
            raise Invalid("ref must name a file: NAME[:REF]/PATH", field=["query", "ref"])
        url = f"/manifests/{segment(resolved['digest'])}/files/{file_path(resolved['path'])}"
        answer = await upstreams.storage_gateway.head(url)
        digest = answer.headers["etag"].strip('"')
    response = await upstreams.metadata_hub.get("/recall", params={"digest": digest})
    return RecallView.model_validate_json(response.content)
