"""Wire shape of the consistency check (``GET /verify``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


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


class VerifyPage(BaseModel):
    items: list[VersionCheck]
    next: str | None = Field(description="Pass as `after` to get the following page; null on the last page")
    total: int = Field(description="Versions the whole check covers (all pages)")
