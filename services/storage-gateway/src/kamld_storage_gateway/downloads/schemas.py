"""Wire shapes of the download routes."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from pydantic import BaseModel, Field

from kamld_common.paging import Page
from kamld_content.manifest import FileEntry


class ManifestOut(BaseModel):
    digest: str
    file_count: int
    total_bytes: int
    page_count: int


class FileOut(BaseModel):
    path: str
    size: int
    mode: int
    digest: str
    chunks: list[tuple[str, int]] = Field(description="[digest, size] pairs in file order")

    @classmethod
    def of(cls, entry: FileEntry) -> FileOut:
        return cls(
            path=entry.path,
            size=entry.size,
            mode=entry.mode,
            digest=entry.digest,
            chunks=[(chunk.digest, chunk.size) for chunk in entry.chunks],
        )


class FileList(Page[FileOut]):
    """Files in path order, a page at a time."""


def encode_file_list(lines: Sequence[bytes], next_after: str | None) -> bytes:
    """A :class:`FileList` as JSON, put together from the entries' canonical lines.

    A canonical line (``FileEntry.to_canonical``) is already the JSON of a ``FileOut``, keys
    sorted. A listing is the hot path of every pull: building a ``FileOut`` per entry and letting
    FastAPI validate and serialize the page would cost more than reading the page itself.
    """
    return b'{"items":[' + b",".join(lines) + b'],"next":' + orjson.dumps(next_after) + b"}"


class ChangeOut(BaseModel):
    change: str = Field(description="added, removed, modified or renamed")
    path: str = Field(description="The path in the new manifest (the old one for removed files)")
    old_path: str | None = Field(None, description="For renamed: the path in the old manifest")
    old: FileOut | None = None
    new: FileOut | None = None


class DiffOut(Page[ChangeOut]):
    renames_detected: bool = Field(description="False when the diff was too large to look for renames")


DIGEST_PATTERN = "^blake3:[0-9a-f]{64}$"


class ChunkReadRequest(BaseModel):
    digests: list[str] = Field(
        description="Chunk digests to read",
        json_schema_extra={"items": {"type": "string", "pattern": DIGEST_PATTERN}},
    )


class ChunkDeltaWanted(BaseModel):
    digest: str = Field(description="The chunk wanted", json_schema_extra={"pattern": DIGEST_PATTERN})
    base: list[str] = Field(
        min_length=1,
        max_length=64,
        json_schema_extra={"items": {"type": "string", "pattern": DIGEST_PATTERN}},
        description="Chunks the client holds; their concatenation, cut by `base_offset` and `base_size`, "
        "is the base whose shared prefix and suffix are not sent",
    )
    base_offset: int = Field(0, ge=0, description="Where the base starts in the concatenated chunks")
    base_size: int | None = Field(None, ge=0, description="The base's length; to the end when absent")


class ChunkDeltaRequest(BaseModel):
    chunks: list[ChunkDeltaWanted] = Field(description="Chunks to read, each against its base")
