"""Wire shapes of the upload routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kamld_storage_gateway.uploads.service import MAX_MISSING_QUERY


class UploadOpened(BaseModel):
    id: str = Field(description="Upload session id, used in every later call")
    expires_at: datetime


class MissingRequest(BaseModel):
    digests: list[str] = Field(
        max_length=MAX_MISSING_QUERY,
        description="Chunk digests, at most 10,000 per call",
        json_schema_extra={"items": {"type": "string", "pattern": "^blake3:[0-9a-f]{64}$"}},
    )


class MissingResponse(BaseModel):
    missing: list[str] = Field(description="The digests the store lacks, in request order, each once")


class ChunksStored(BaseModel):
    received: int = Field(description="Chunks in the request")
    stored: int = Field(description="Chunks that were new to the store (the rest were already there)")
    bytes: int = Field(description="Bytes received")


class FileStored(BaseModel):
    path: str
    size: int
    mode: int
    digest: str
    chunk_count: int


class CommitResult(BaseModel):
    digest: str = Field(description="The version digest: BLAKE3 of the manifest root")
    file_count: int
    total_bytes: int
    page_count: int
