"""Download routes: only committed manifests (and the chunks they name) are reachable here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from kamld_common import patterns
from kamld_common.errors import Invalid, problem_response
from kamld_common.paging import After, limit_query
from kamld_content import delta as deltas
from kamld_content.framing import MEDIA_TYPE, encode_frames
from kamld_storage_gateway.dependencies import Services, services
from kamld_storage_gateway.downloads.schemas import (
    ChangeOut,
    ChunkDeltaRequest,
    ChunkReadRequest,
    DiffOut,
    FileList,
    FileOut,
    ManifestOut,
    encode_file_list,
)
from kamld_storage_gateway.downloads.service import DeltaWanted, RangeNotSatisfiable, parse_range
from kamld_storage_gateway.uploads.service import validate_digest

router = APIRouter(tags=["downloads"])

ServicesDep = Annotated[Services, Depends(services)]
# Documented patterns; the handlers check the values themselves and name the rule a value breaks.
Digest = Annotated[str, Path(description="`blake3:<64 hex>`", json_schema_extra={"pattern": patterns.DIGEST})]
FilePath = Annotated[str, Path(description="Path of the file", json_schema_extra={"pattern": patterns.PATH})]
Limit = Annotated[int, limit_query(10_000)]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown manifest, file or chunk"},
    422: {"description": "Malformed input; `errors[].loc` names the field"},
}


@router.get("/manifests/{digest}", summary="Manifest summary", response_model=ManifestOut, responses=PROBLEMS)
async def get_manifest(digest: Digest, svc: ServicesDep) -> ManifestOut:
    """File count, total bytes and page count of a committed manifest."""
    validate_digest(digest, ["path", "digest"])
    summary = await svc.manifests.summary(digest)
    return ManifestOut(
        digest=digest,
        file_count=summary.file_count,
        total_bytes=summary.total_bytes,
        page_count=summary.page_count,
    )


@router.get("/manifests/{digest}/files", summary="List files", response_model=FileList, responses=PROBLEMS)
async def list_files(
    digest: Digest,
    svc: ServicesDep,
    prefix: Annotated[str, Query(max_length=4096, description="Only paths starting with this")] = "",
    after: After = None,
    limit: Limit = 1000,
) -> Response:
    """Files in path order, with their chunks, one page at a time (the shape of ``FileList``)."""
    validate_digest(digest, ["path", "digest"])
    page = await svc.manifests.list_files(digest, prefix=prefix, after=after, limit=limit)
    return Response(encode_file_list(page.lines, page.next), media_type="application/json")


FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    206: {"description": "Partial content"},
    416: {"description": "Range not satisfiable"},
}


@router.get(
    "/manifests/{digest}/files/{path:path}",
    summary="Download a file",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
)
async def get_file(digest: Digest, path: FilePath, request: Request, svc: ServicesDep) -> Response:
    """The file's bytes, streamed; honours a single ``Range`` and answers ``ETag`` = the file digest."""
    return await _file_response(digest, path, request, svc, with_body=True)


@router.head(
    "/manifests/{digest}/files/{path:path}",
    summary="A file's headers",
    responses=FILE_RESPONSES,
    response_class=Response,
)
async def head_file(digest: Digest, path: FilePath, request: Request, svc: ServicesDep) -> Response:
    """What a GET would answer, status and headers, without the bytes (and without reading them)."""
    return await _file_response(digest, path, request, svc, with_body=False)


async def _file_response(
    digest: str, path: str, request: Request, svc: Services, *, with_body: bool
) -> Response:
    validate_digest(digest, ["path", "digest"])
    entry = await svc.downloads.file(digest, path)
    etag = f'"{entry.digest}"'
    headers = {"ETag": etag, "Accept-Ranges": "bytes"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    byte_range = None
    if_range = request.headers.get("if-range")
    if if_range is None or if_range == etag:
        try:
            byte_range = parse_range(request.headers.get("range"), entry.size)
        except RangeNotSatisfiable as exc:
            response = problem_response(exc, request.url.path)
            response.headers["Content-Range"] = f"bytes */{entry.size}"
            return response
    status = 200
    if byte_range is None:
        headers["Content-Length"] = str(entry.size)
    else:
        status = 206
        headers["Content-Length"] = str(byte_range.length)
        headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{entry.size}"
    if not with_body:
        return Response(status_code=status, media_type="application/octet-stream", headers=headers)
    return StreamingResponse(
        svc.downloads.iter_content(entry, byte_range),
        status_code=status,
        media_type="application/octet-stream",
        headers=headers,
    )


@router.get(
    "/manifests/{old}/diff/{new}",
    summary="Diff two manifests",
    response_model=DiffOut,
    responses=PROBLEMS,
    operation_id="diffManifests",
)
async def diff(
    old: Digest,
    new: Digest,
    svc: ServicesDep,
    after: After = None,
    limit: Limit = 1000,
) -> DiffOut:
    """Added, removed, modified and renamed files from ``old`` to ``new``, in path order."""
    validate_digest(old, ["path", "old"])
    validate_digest(new, ["path", "new"])
    page = await svc.manifests.diff(old, new, after=after, limit=limit)
    items = [
        ChangeOut(
            change=change.change,
            path=change.path,
            old_path=change.old_path,
            old=FileOut.of(change.old) if change.old else None,
            new=FileOut.of(change.new) if change.new else None,
        )
        for change in page.changes
    ]
    return DiffOut(items=items, next=page.next, renames_detected=page.renames_detected)


@router.get("/chunks/{digest}", summary="Download one chunk", response_class=Response, responses=PROBLEMS)
async def get_chunk(digest: Digest, svc: ServicesDep) -> Response:
    """The chunk's verified bytes."""
    validate_digest(digest, ["path", "digest"])
    data = await svc.downloads.chunk(digest)
    return Response(data, media_type="application/octet-stream", headers={"ETag": f'"{digest}"'})


@router.post(
    "/chunks/read",
    summary="Download a batch of chunks",
    response_class=StreamingResponse,
    responses={
        **PROBLEMS,
        200: {
            "description": "The chunks in the batch framing of `POST /uploads/{id}/chunks`",
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
async def read_chunks(body: ChunkReadRequest, svc: ServicesDep) -> StreamingResponse:
    """Several verified chunks in one response, each digest once, in request order."""
    limit = svc.settings.max_read_digests
    if len(body.digests) > limit:
        raise Invalid(
            f"at most {limit} digests per request", field=["body", "digests"], code="too_many_digests"
        )
    for index, digest in enumerate(body.digests):
        validate_digest(digest, ["body", "digests", index])
    batch = await svc.downloads.read_chunks(body.digests)
    return StreamingResponse(
        batch.encoded(), media_type=MEDIA_TYPE, headers={"Content-Length": str(batch.encoded_length)}
    )


MAX_DELTA_CHUNKS = 64
"""Most chunks one delta read may name: the chunks and their bases are held in memory to compare."""


@router.post(
    "/chunks/delta",
    summary="Download chunks as deltas against chunks the client holds",
    response_class=Response,
    responses={
        **PROBLEMS,
        200: {
            "description": "Per chunk, in request order, a frame of the batch framing whose payload is "
            "u64 prefix length, u64 suffix length (big-endian) and the bytes between them",
            "content": {deltas.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
async def read_chunk_deltas(body: ChunkDeltaRequest, svc: ServicesDep) -> Response:
    """Each chunk minus the prefix and suffix it shares with its base; both must be committed."""
    if len(body.chunks) > MAX_DELTA_CHUNKS:
        raise Invalid(
            f"at most {MAX_DELTA_CHUNKS} chunks per request",
            field=["body", "chunks"],
            code="too_many_digests",
        )
    for index, wanted in enumerate(body.chunks):
        validate_digest(wanted.digest, ["body", "chunks", index, "digest"])
        for position, base in enumerate(wanted.base):
            validate_digest(base, ["body", "chunks", index, "base", position])
    answers = await svc.downloads.read_deltas(
        [
            DeltaWanted(wanted.digest, tuple(wanted.base), wanted.base_offset, wanted.base_size)
            for wanted in body.chunks
        ]
    )
    return Response(encode_frames(answers), media_type=deltas.MEDIA_TYPE)
