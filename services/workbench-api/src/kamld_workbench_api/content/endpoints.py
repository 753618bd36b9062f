"""``/uploads``, ``/chunks`` and ``/manifests``: storage-gateway's content API behind the gateway's roles.

Bodies and answers stream through unchanged; editors write, viewers read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from kamld_common import patterns
from kamld_common.http import ServiceClient
from kamld_common.paging import After, Page, cursor_query, limit_query
from kamld_content.framing import MEDIA_TYPE
from kamld_workbench_api.auth.dependencies import require_admin, require_editor, require_viewer
from kamld_workbench_api.catalog.schemas import DIGEST_PATTERN, PATH_PATTERN, UPLOAD_ID_PATTERN
from kamld_workbench_api.catalog.service import file_path, segment
from kamld_workbench_api.content.grants import GrantIssuer
from kamld_workbench_api.content.proxy import forward
from kamld_workbench_api.upstreams import Upstreams, get_upstreams

MAX_GC_GRACE_S = 100 * 365 * 86_400
"""storage-gateway's bound on a grace period: an older cutoff would be before the calendar's start."""

router = APIRouter()

Viewer = [Depends(require_viewer)]
Editor = [Depends(require_editor)]
Admin = [Depends(require_admin)]
UploadId = Annotated[
    str,
    Path(max_length=64, description="Upload session id", json_schema_extra={"pattern": UPLOAD_ID_PATTERN}),
]
Digest = Annotated[
    str, Path(max_length=71, description="`blake3:<64 hex>`", json_schema_extra={"pattern": DIGEST_PATTERN})
]
FilePath = Annotated[
    str, Path(max_length=4096, description="Path of the file", json_schema_extra={"pattern": PATH_PATTERN})
]
FRAMES = MEDIA_TYPE
FRAMING = (
    "`application/vnd.kamld.chunks`: zero or more records back to back, no header or trailer; each is "
    "`u8 n` (the digest's length, 71), `n` bytes of ASCII digest (`blake3:<64 hex>`), `u64` big-endian "
    "size `s`, then the chunk's `s` bytes. Each chunk is verified against its digest."
)
NDJSON_COMMIT = (
    "`application/x-ndjson`: one `ManifestFile` JSON object per line, sorted by path (byte order): "
    '`{"path": "a/b.csv", "size": 10, "mode": 420, "digest": "blake3:…", "chunks": [["blake3:…", 10]]}`. '
    "Files uploaded whole to this session, or staged by `split-table` and `split-files`, are merged "
    "in; a path in both is a duplicate (422). "
    "The body may be empty when every file was uploaded whole or staged."
)


def get_storage(upstreams: Annotated[Upstreams, Depends(get_upstreams)]) -> ServiceClient:
    return upstreams.storage_gateway


Storage = Annotated[ServiceClient, Depends(get_storage)]


async def get_grants(request: Request) -> GrantIssuer:
    """Async so FastAPI calls it inline rather than through its thread pool."""
    return request.app.state.grants


Grants = Annotated[GrantIssuer, Depends(get_grants)]


def _binary(media_type: str, description: str = "", required: bool = True) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": required,
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


class UploadOpened(BaseModel):
    id: str = Field(description="Upload session id, used in every later call")
    expires_at: datetime


class DigestList(BaseModel):
    digests: list[str] = Field(
        max_length=10_000,
        description="Chunk digests",
        json_schema_extra={"items": {"type": "string", "pattern": DIGEST_PATTERN}},
    )


class ChunkReadList(BaseModel):
    digests: list[str] = Field(
        description="Chunk digests, at most 1,000 per call (storage-gateway's default limit, which it "
        "enforces)",
        json_schema_extra={"maxItems": 1_000, "items": {"type": "string", "pattern": DIGEST_PATTERN}},
    )


class MissingChunks(BaseModel):
    missing: list[str] = Field(description="The digests the store lacks, in request order")


class ChunksStored(BaseModel):
    received: int
    stored: int = Field(description="Chunks new to the store (the rest were deduplicated)")
    bytes: int


class FileStored(BaseModel):
    path: str
    size: int
    mode: int
    digest: str
    chunk_count: int


class CommitResult(BaseModel):
    digest: str = Field(description="The manifest digest: name it in `POST /artifacts/{name}/versions`")
    file_count: int
    total_bytes: int
    page_count: int


class GcReport(BaseModel):
    objects: int = Field(description="Objects deleted (or that would be, in a dry run)")
    bytes: int = Field(description="Their total size")
    dry_run: bool
    marked: int = Field(description="Objects found referenced and kept")


class VersionCheck(BaseModel):
    artifact: str
    number: int
    ref: str = Field(description="`<artifact>:v<number>`")
    digest: str = Field(description="The version's manifest digest")
    ok: bool = Field(description="Every manifest object and chunk the version needs is stored")
    files: int = Field(description="Files the version's manifest lists (as far as it could be read)")
    chunks: int = Field(description="Distinct chunks those files name")
    missing_chunks: int = Field(description="Of those, chunks absent from the object store")
    missing_manifest_objects: int = Field(
        description="Manifest objects (root or pages) absent or unreadable; their files are not listed"
    )
    damaged_file_count: int = Field(description="Files with at least one missing chunk")
    damaged_files: list[str] = Field(description="Paths of those files, in path order (at most 1000)")


class VerifyReport(Page[VersionCheck]):
    total: int = Field(description="Versions the whole check covers (all pages)")


class TransferGrant(BaseModel):
    url: str = Field(description="storage-gateway's base URL: send the chunk requests there")
    header: str = Field(description="The request header that carries the token")
    token: str = Field(description="The grant, a bearer capability until it expires")
    expires_at: datetime


class ManifestSummary(BaseModel):
    digest: str
    file_count: int
    total_bytes: int
    page_count: int


class ManifestFile(BaseModel):
    path: str
    size: int
    mode: int
    digest: str
    chunks: list[tuple[str, int]] = Field(description="[digest, size] pairs in file order")


class ManifestFiles(Page[ManifestFile]):
    """A manifest's files in path order, a page at a time."""


class ManifestChange(BaseModel):
    change: str
    path: str
    old_path: str | None = None
    old: ManifestFile | None = None
    new: ManifestFile | None = None


class ManifestDiff(Page[ManifestChange]):
    renames_detected: bool


@router.post(
    "/uploads",
    summary="Open an upload session",
    dependencies=Editor,
    status_code=201,
    response_model=UploadOpened,
    tags=["uploads"],
    operation_id="openUpload",
)
async def open_upload(request: Request, storage: Storage) -> StreamingResponse:
    """Start a push; what it uploads is safe from garbage collection until the session expires."""
    return await forward(storage, request, "/uploads")


@router.post(
    "/uploads/{upload_id}/missing",
    summary="Which chunks are missing",
    dependencies=Editor,
    response_model=MissingChunks,
    tags=["uploads"],
    operation_id="findMissingChunks",
)
async def missing(
    upload_id: UploadId, body: DigestList, request: Request, storage: Storage
) -> StreamingResponse:
    """Of up to 10,000 chunk digests, those the store lacks (send only these)."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/missing")


@router.post(
    "/uploads/{upload_id}/chunks",
    summary="Upload a batch of chunks",
    dependencies=Editor,
    response_model=ChunksStored,
    openapi_extra=_binary(FRAMES, FRAMING, required=False),
    tags=["uploads"],
    operation_id="uploadChunks",
)
async def upload_chunks(upload_id: UploadId, request: Request, storage: Storage) -> StreamingResponse:
    """Store several chunks at once; each is verified against its digest."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/chunks")


@router.put(
    "/uploads/{upload_id}/files/{path:path}",
    summary="Upload a whole file",
    dependencies=Editor,
    response_model=FileStored,
    openapi_extra=_binary(
        "application/octet-stream", "The file's bytes; none for an empty file", required=False
    ),
    tags=["uploads"],
    operation_id="uploadFile",
)
async def upload_file(
    upload_id: UploadId,
    path: FilePath,
    request: Request,
    storage: Storage,
    mode: Annotated[
        int, Query(description="420 (0o644) or 493 (0o755)", json_schema_extra={"enum": [0o644, 0o755]})
    ] = 0o644,
) -> StreamingResponse:
    """For clients that cannot chunk: the server chunks the streamed file."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/files/{file_path(path)}")


class TableSplitRequest(BaseModel):
    model_config = {"extra": "forbid"}

    table: str = Field(
        max_length=2000,
        json_schema_extra={"pattern": patterns.FILE_REF},
        description="One table file of a version, `NAME:REF/PATH` (checked when the split runs)",
    )
    test: float = Field(gt=0, lt=1, description="Fraction of the rows for `test/`")
    val: float = Field(0.0, ge=0, lt=1, description="Fraction of the rows for `val/` (0: no `val/`)")
    seed: int = Field(0, ge=-(2**63), lt=2**63, description="The same seed gives the same parts")
    stratify: str | None = Field(
        None, min_length=1, max_length=1000, description="A column: each of its values is split alike"
    )


class TableSplitPart(BaseModel):
    part: str = Field(description="train, test or val")
    path: str = Field(description="The part's file in the upload session, `PART/PATH`")
    rows: int
    size: int
    digest: str


class TableSplitAnswer(BaseModel):
    version: str = Field(description="The exact version the table was read from, `NAME:vN`")
    digest: str = Field(description="That version's manifest digest")
    path: str
    parts: list[TableSplitPart]


@router.post(
    "/uploads/{upload_id}/split-table",
    summary="Split a table by rows",
    dependencies=Editor,
    response_model=TableSplitAnswer,
    tags=["uploads"],
    operation_id="splitTable",
)
async def split_table(
    upload_id: UploadId, body: TableSplitRequest, request: Request, storage: Storage
) -> StreamingResponse:
    """Write the rows of one table file of a version (CSV, TSV, Parquet, JSON Lines) as
    `train/PATH`, `test/PATH` (and `val/PATH`) of this session, chosen by a seeded hash per row
    (per value of `stratify` when given); commit the session to record them."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/split-table")


class FileSplitRequest(BaseModel):
    model_config = {"extra": "forbid"}

    source: str = Field(
        max_length=300,
        json_schema_extra={"pattern": patterns.NAME_REF},
        description="The version whose files are split, `NAME[:REF]` (checked when the split runs)",
    )
    test: float = Field(gt=0, lt=1, description="Fraction of the files for `test/`")
    val: float = Field(0.0, ge=0, lt=1, description="Fraction of the files for `val/` (0: no `val/`)")
    seed: int = Field(0, ge=-(2**63), lt=2**63, description="The same seed gives the same parts")
    exclude: list[Annotated[str, Field(max_length=4096)]] = Field(
        [],
        max_length=10_000,
        description="Paths of the source left out (such as tables split by rows); each must be a file of it",
    )


class FileSplitAnswer(BaseModel):
    version: str = Field(description="The exact version split, `NAME:vN`")
    digest: str = Field(description="That version's manifest digest")
    counts: dict[str, int] = Field(description="Files staged per part: `train`, `test` (and `val`)")
    excluded: int = Field(description="Files of the source left out")


@router.post(
    "/uploads/{upload_id}/split-files",
    summary="Split a version's files",
    dependencies=Editor,
    response_model=FileSplitAnswer,
    tags=["uploads"],
    operation_id="splitFiles",
)
async def split_files(
    upload_id: UploadId, body: FileSplitRequest, request: Request, storage: Storage
) -> StreamingResponse:
    """Stage the files of a version (less `exclude`) as `train/PATH`, `test/PATH` (and `val/PATH`)
    of this session by a seeded shuffle of the path-sorted files; the files name the chunks already
    stored, so nothing is uploaded. Commit the session (an empty body will do) to record them."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/split-files")


@router.post(
    "/uploads/{upload_id}/grant",
    summary="Grant direct chunk uploads",
    dependencies=Editor,
    response_model=TransferGrant,
    tags=["uploads"],
    operation_id="grantUpload",
)
async def grant_upload(
    upload_id: Annotated[str, Path(pattern=UPLOAD_ID_PATTERN, description="Upload session id")],
    grants: Grants,
) -> TransferGrant:
    """A short-lived grant to send this upload's chunks (`/uploads/{id}/chunks`, `/missing`) straight
    to storage-gateway at `url`; 404 `direct_transfer_unavailable` means use the routes here."""
    return TransferGrant.model_validate(grants.for_upload(upload_id), from_attributes=True)


@router.post(
    "/uploads/{upload_id}/commit",
    summary="Commit the manifest",
    dependencies=Editor,
    response_model=CommitResult,
    openapi_extra={
        "requestBody": {
            "required": False,
            "description": NDJSON_COMMIT,
            "content": {
                "application/x-ndjson": {
                    "schema": {"type": "string"},
                    "itemSchema": {"$ref": "#/components/schemas/ManifestFile"},
                }
            },
        }
    },
    tags=["uploads"],
    operation_id="commitUpload",
)
async def commit(upload_id: UploadId, request: Request, storage: Storage) -> StreamingResponse:
    """Build the manifest from NDJSON file entries (sorted by path) and the files uploaded whole or
    staged by a split."""
    return await forward(storage, request, f"/uploads/{segment(upload_id)}/commit")


@router.put(
    "/chunks/{digest}",
    summary="Upload one chunk",
    dependencies=Editor,
    response_model=ChunksStored,
    openapi_extra=_binary("application/octet-stream"),
    tags=["chunks"],
    operation_id="putChunk",
)
async def put_chunk(
    digest: Digest,
    request: Request,
    storage: Storage,
    upload_id: Annotated[
        str | None, Query(max_length=64, description="Session that protects the chunk")
    ] = None,
) -> StreamingResponse:
    """Store one chunk whose body hashes to `digest`; idempotent."""
    return await forward(storage, request, f"/chunks/{segment(digest)}")


@router.get(
    "/chunks/{digest}",
    summary="Download one chunk",
    dependencies=Viewer,
    tags=["chunks"],
    operation_id="getChunk",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The chunk"}},
)
async def get_chunk(digest: Digest, request: Request, storage: Storage) -> StreamingResponse:
    """The chunk's verified bytes."""
    return await forward(storage, request, f"/chunks/{segment(digest)}")


@router.post(
    "/chunks/read",
    summary="Download a batch of chunks",
    dependencies=Viewer,
    tags=["chunks"],
    operation_id="readChunks",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {FRAMES: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The chunks, framed as in uploads: " + FRAMING,
        },
        404: {"description": "Some chunks are not stored (`missing` lists them)"},
    },
)
async def read_chunks(body: ChunkReadList, request: Request, storage: Storage) -> StreamingResponse:
    """Several verified chunks in one streamed response."""
    return await forward(storage, request, "/chunks/read")


class ChunkDeltaWanted(BaseModel):
    digest: str = Field(max_length=71, pattern=DIGEST_PATTERN, description="The chunk wanted")
    base: list[str] = Field(
        min_length=1,
        max_length=64,
        description="Chunks the client holds; their concatenation, cut by `base_offset` and `base_size`, "
        "is the base whose shared prefix and suffix are not sent",
        json_schema_extra={"items": {"type": "string", "pattern": DIGEST_PATTERN}},
    )
    base_offset: int = Field(0, ge=0, description="Where the base starts in the concatenated chunks")
    base_size: int | None = Field(None, ge=0, description="The base's length; to the end when absent")


class ChunkDeltaList(BaseModel):
    chunks: list[ChunkDeltaWanted] = Field(max_length=64, description="Chunks to read, each against its base")


@router.post(
    "/chunks/delta",
    summary="Download chunks as deltas",
    dependencies=Viewer,
    tags=["chunks"],
    operation_id="readChunkDeltas",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "application/vnd.kamld.chunk-deltas": {"schema": {"type": "string", "format": "binary"}}
            },
            "description": "Per chunk, in request order, a frame of the chunk framing named by its "
            "digest whose payload is u64 prefix length, u64 suffix length (big-endian) and the "
            "bytes between",
        },
        404: {"description": "Some chunks, wanted or base, are not stored (`missing` lists them)"},
    },
)
async def read_chunk_deltas(body: ChunkDeltaList, request: Request, storage: Storage) -> StreamingResponse:
    """Each chunk minus the prefix and suffix it shares with the bytes the client already holds."""
    return await forward(storage, request, "/chunks/delta")


@router.post(
    "/chunks/grant",
    summary="Grant direct chunk downloads",
    dependencies=Viewer,
    response_model=TransferGrant,
    tags=["chunks"],
    operation_id="grantChunkReads",
)
async def grant_read(grants: Grants) -> TransferGrant:
    """A short-lived grant to read chunks (`/chunks/read`, `/chunks/delta`, `/chunks/{digest}`) straight from
    storage-gateway at `url`; 404 `direct_transfer_unavailable` means use the routes here."""
    return TransferGrant.model_validate(grants.for_reading(), from_attributes=True)


@router.get(
    "/manifests/{digest}",
    summary="Manifest summary",
    dependencies=Viewer,
    response_model=ManifestSummary,
    tags=["manifests"],
    operation_id="getManifest",
)
async def get_manifest(digest: Digest, request: Request, storage: Storage) -> StreamingResponse:
    """File count, total bytes and page count of a committed manifest."""
    return await forward(storage, request, f"/manifests/{segment(digest)}")


@router.get(
    "/manifests/{digest}/files",
    summary="List a manifest's files",
    dependencies=Viewer,
    response_model=ManifestFiles,
    tags=["manifests"],
    operation_id="listManifestFiles",
)
async def list_manifest_files(
    digest: Digest,
    request: Request,
    storage: Storage,
    prefix: Annotated[str, Query(max_length=4096)] = "",
    after: After = None,
    limit: Annotated[int, limit_query(10_000)] = 1000,
) -> StreamingResponse:
    """Files with their chunks, in path order, a page at a time."""
    return await forward(storage, request, f"/manifests/{segment(digest)}/files")


@router.get(
    "/manifests/{digest}/files/{path:path}",
    summary="Download a file of a manifest",
    dependencies=Viewer,
    tags=["manifests"],
    operation_id="downloadManifestFile",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        206: {"description": "The requested range"},
    },
)
async def get_manifest_file(
    digest: Digest, path: FilePath, request: Request, storage: Storage
) -> StreamingResponse:
    """The file's bytes, streamed; honours `Range`."""
    return await forward(storage, request, f"/manifests/{segment(digest)}/files/{file_path(path)}")


@router.get(
    "/manifests/{old}/diff/{new}",
    summary="Diff two manifests",
    dependencies=Viewer,
    response_model=ManifestDiff,
    tags=["manifests"],
    operation_id="diffManifests",
)
async def diff_manifests(
    old: Digest,
    new: Digest,
    request: Request,
    storage: Storage,
    after: After = None,
    limit: Annotated[int, limit_query(10_000)] = 1000,
) -> StreamingResponse:
    """Added, removed, modified and renamed files, in path order."""
    return await forward(storage, request, f"/manifests/{segment(old)}/diff/{segment(new)}")


@router.post(
    "/gc",
    summary="Collect garbage",
    dependencies=Admin,
    response_model=GcReport,
    responses={409: {"description": "`gc_held`: a backup holds deletions off (dry runs still count)"}},
    tags=["gc"],
    operation_id="collectGarbage",
)
async def collect_garbage(
    request: Request,
    storage: Storage,
    dry_run: Annotated[bool, Query(description="Only count what would be deleted")] = True,
    grace_s: Annotated[
        int | None,
        Query(ge=0, le=MAX_GC_GRACE_S, description="Override the grace period (seconds, at most a century)"),
    ] = None,
) -> StreamingResponse:
    """Delete content no version and no open upload references, older than the grace period (admin)."""
    return await forward(storage, request, "/gc")


@router.get(
    "/verify",
    summary="Check versions against the object store",
    dependencies=Admin,
    response_model=VerifyReport,
    responses={404: {"description": "Unknown artifact or version"}},
    tags=["gc"],
    operation_id="verifyVersions",
)
async def verify_versions(
    request: Request,
    storage: Storage,
    artifact: Annotated[
        str | None,
        Query(max_length=128, description="Only this artifact's versions", pattern=patterns.NAME),
    ] = None,
    ref: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Only this version of `artifact`: `v3`, `3`, an alias or a digest prefix",
            json_schema_extra={"pattern": patterns.REF},
        ),
    ] = None,
    after: Annotated[str | None, cursor_query(18, r"^[0-9]*$")] = None,
    limit: Annotated[int, limit_query(200)] = 20,
) -> StreamingResponse:
    """Which versions miss chunks or manifest objects in the object store, and the files affected (admin).

    Pages through the catalog's versions in the order they were recorded (`total` counts them all);
    every item says whether the version is whole (`ok`) and, when not, what is missing."""
    return await forward(storage, request, "/verify")
