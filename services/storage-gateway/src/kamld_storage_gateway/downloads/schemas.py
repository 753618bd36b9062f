"""Wire shapes of the download routes."""

from __future__ import annotations

from pydantic import BaseModel, Field

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


class FileList(BaseModel):
    items: list[FileOut]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end")


class ChangeOut(BaseModel):
    change: str = Field(description="added, removed, modified or renamed")
    path: str = Field(description="The path in the new manifest (the old one for removed files)")
    old_path: str | None = Field(None, description="For renamed: the path in the old manifest")
    old: FileOut | None = None
    new: FileOut | None = None


class DiffOut(BaseModel):
    items: list[ChangeOut]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end")
    renames_detected: bool = Field(description="False when the diff was too large to look for renames")


class ChunkReadRequest(BaseModel):
    digests: list[str] = Field(description="Chunk digests to read")
