"""Upload routes: open a session, ask what is missing, send chunks or whole files, commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status

from kamld_common import patterns
from kamld_common.errors import Invalid
from kamld_content.framing import MEDIA_TYPE, Chunk, FrameReader, FramingError
from kamld_storage_gateway.bodies import held_length, limited_stream, read_limited
from kamld_storage_gateway.dependencies import Services, services
from kamld_storage_gateway.uploads.schemas import (
    ChunksStored,
    CommitResult,
    FileStored,
    MissingRequest,
    MissingResponse,
    UploadOpened,
)
from kamld_storage_gateway.uploads.service import validate_digest

router = APIRouter(tags=["uploads"])

ServicesDep = Annotated[Services, Depends(services)]
UploadId = Annotated[
    str,
    Path(max_length=64, description="Upload session id", json_schema_extra={"pattern": patterns.UPLOAD_ID}),
]
# Documented patterns; the handlers check the values themselves and name the rule a value breaks.
Digest = Annotated[str, Path(description="`blake3:<64 hex>`", json_schema_extra={"pattern": patterns.DIGEST})]
FilePath = Annotated[str, Path(description="Path of the file", json_schema_extra={"pattern": patterns.PATH})]


FRAMING_DOC = (
    "Body: zero or more records back to back, each `u8 n` (digest length), `n` bytes of ASCII digest "
    "(`blake3:<64 hex>`), `u64` big-endian size `s`, then `s` bytes of chunk content."
)
BATCH_BODY = {
    "requestBody": {
        "required": False,
        "description": FRAMING_DOC,
        "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}
OCTET_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
FILE_BODY = {
    "requestBody": {
        "required": False,
        "description": "The file's bytes; none for an empty file",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
NDJSON_BODY = {
    "requestBody": {
        "required": False,
        "description": (
            "NDJSON, one file per line, sorted by path (byte order): "
            '`{"path": "a/b.csv", "size": 10, "mode": 420, "digest": "blake3:…", '
            '"chunks": [["blake3:…", 10]]}`. '
            "Files uploaded whole to this session, or staged by `split-table` and `split-files`, are "
            "merged in; a path in both is a duplicate (422). "
            "The body may be empty when every file was uploaded whole or staged."
        ),
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
    }
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such upload session"},
    409: {"description": "The session is already committed"},
    410: {"description": "The session expired"},
    413: {"description": "The body is over the limit"},
    422: {"description": "Invalid input; `errors[].loc` names the field"},
}


@router.post(
    "/uploads",
    summary="Open an upload session",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOpened,
)
async def create(svc: ServicesDep) -> UploadOpened:
    """Start a push; the session protects what it uploads from garbage collection until it expires."""
    opened = await svc.uploads.open()
    return UploadOpened(id=opened.id, expires_at=opened.expires_at)


@router.post(
    "/uploads/{upload_id}/missing",
    summary="Which chunks are missing",
    operation_id="findMissingChunks",
    response_model=MissingResponse,
    responses=PROBLEMS,
)
async def missing(upload_id: UploadId, body: MissingRequest, svc: ServicesDep) -> MissingResponse:
    """Of up to 10,000 chunk digests, the ones the store lacks; asking again after an interruption resumes."""
    return MissingResponse(missing=await svc.uploads.missing(upload_id, body.digests))


@router.post(
    "/uploads/{upload_id}/chunks",
    summary="Upload a batch of chunks",
    response_model=ChunksStored,
    openapi_extra=BATCH_BODY,
    responses=PROBLEMS,
)
async def upload_chunks(upload_id: UploadId, request: Request, svc: ServicesDep) -> ChunksStored:
    """Store several chunks at once (binary framing below); all are verified before any is stored."""
    await svc.uploads.check_open(upload_id)
    limit = svc.settings.max_batch_bytes
    async with svc.uploads.memory.hold(held_length(request, limit)):
        # Decoded as it arrives, so the batch is held once (as its chunks), not also as one body;
        # a chunk that spans pieces stays in them (hashed and written piece by piece, never joined).
        reader = FrameReader(join=False)
        frames: list[tuple[str, Chunk]] = []
        try:
            async for block in limited_stream(request, limit):
                frames.extend(reader.feed(block))
            reader.close()
        except FramingError as exc:
            raise Invalid(
                f"the chunk batch is malformed: {exc}", field="body", code="invalid_framing"
            ) from None
        stored = await svc.uploads.put_chunks(upload_id, frames)
    return ChunksStored(received=stored.received, stored=stored.stored, bytes=stored.bytes)


@router.put(
    "/chunks/{digest}",
    summary="Upload one chunk",
    response_model=ChunksStored,
    openapi_extra=OCTET_BODY,
    responses=PROBLEMS,
)
async def upload_chunk(
    digest: Digest,
    request: Request,
    svc: ServicesDep,
    upload_id: Annotated[
        str | None, Query(max_length=64, description="Session that protects the chunk")
    ] = None,
) -> ChunksStored:
    """Store one chunk whose body must hash to ``digest``; idempotent."""
    validate_digest(digest, ["path", "digest"])
    limit = svc.settings.max_batch_bytes
    async with svc.uploads.memory.hold(held_length(request, limit)):
        data = await read_limited(request, limit)
        stored = await svc.uploads.put_chunks(upload_id, [(digest, data)], field="body")
    return ChunksStored(received=stored.received, stored=stored.stored, bytes=stored.bytes)


@router.put(
    "/uploads/{upload_id}/files/{path:path}",
    summary="Upload a whole file",
    response_model=FileStored,
    openapi_extra=FILE_BODY,
    responses=PROBLEMS,
)
async def upload_file(
    upload_id: UploadId,
    path: FilePath,
    request: Request,
    svc: ServicesDep,
    mode: Annotated[
        int,
        Query(
            description="420 (0o644) or 493 (0o755, executable)", json_schema_extra={"enum": [0o644, 0o755]}
        ),
    ] = 0o644,
) -> FileStored:
    """The server chunks the streamed body; the file joins the manifest at commit.

    For clients that cannot chunk (curl, generated clients).
    """
    entry = await svc.uploads.put_file(
        upload_id, path, limited_stream(request, svc.settings.max_file_bytes), mode=mode
    )
    return FileStored(
        path=entry.path, size=entry.size, mode=entry.mode, digest=entry.digest, chunk_count=len(entry.chunks)
    )


@router.post(
    "/uploads/{upload_id}/commit",
    summary="Commit the manifest",
    response_model=CommitResult,
    openapi_extra=NDJSON_BODY,
    responses=PROBLEMS,
)
async def commit(upload_id: UploadId, request: Request, svc: ServicesDep) -> CommitResult:
    """Build and store the manifest; every referenced chunk must exist (422 lists the missing ones)."""
    summary = await svc.uploads.commit(upload_id, request.stream())
    return CommitResult(
        digest=summary.digest,
        file_count=summary.file_count,
        total_bytes=summary.total_bytes,
        page_count=summary.page_count,
    )
