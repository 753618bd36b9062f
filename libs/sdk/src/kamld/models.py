"""Typed objects the client returns (pydantic models of the public API's JSON).

They accept fields they do not know yet, so an older client keeps working against a newer server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class VersionLink(ApiModel):
    """A pointer to one version: ``ref`` is ``NAME:vN``."""

    artifact: str
    number: int
    name: str
    ref: str
    digest: str


class InputLink(VersionLink):
    role: str


class Artifact(ApiModel):
    name: str
    kind: str
    description: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    created_by: str
    updated_at: datetime | None = None
    archived: bool = False
    version_count: int = 0
    latest: VersionLink | None = None


class Version(ApiModel):
    artifact: str
    kind: str
    number: int
    name: str
    ref: str
    digest: str
    parents: list[VersionLink] = Field(default_factory=list)
    inputs: list[InputLink] = Field(default_factory=list)
    message: str = ""
    author: str
    created_at: datetime
    metadata: dict[str, Any] = Field(default_factory=dict)
    file_count: int
    total_bytes: int
    aliases: list[str] = Field(default_factory=list)


class Page(ApiModel, Generic[T]):
    items: list[T]
    next: str | None = None


class FileInfo(ApiModel):
    """One file of a version."""

    path: str
    size: int
    mode: int = 0o644
    digest: str


class Alias(ApiModel):
    alias: str
    version: VersionLink
    updated_at: datetime
    updated_by: str


class AliasEvent(ApiModel):
    """One move of an alias; ``from_version`` is null when it was set, ``to_version`` when deleted."""

    alias: str
    from_version: VersionLink | None = None
    to_version: VersionLink | None = None
    actor: str
    at: datetime


class FileChange(ApiModel):
    path: str
    size: int | None = None
    old_size: int | None = None
    digest: str | None = None
    old_digest: str | None = None


class Diff(ApiModel):
    """What changed between two versions of an artifact."""

    from_version: VersionLink | None = None
    to_version: VersionLink | None = None
    added: list[FileChange] = Field(default_factory=list)
    removed: list[FileChange] = Field(default_factory=list)
    modified: list[FileChange] = Field(default_factory=list)

    @property
    def changed_paths(self) -> set[str]:
        return {c.path for c in [*self.added, *self.removed, *self.modified]}


class LineageNode(ApiModel):
    ref: str
    artifact: str
    number: int
    kind: str | None = None
    digest: str | None = None


class LineageEdge(ApiModel):
    source: str = Field(description="The version that was used (`NAME:vN`)")
    target: str = Field(description="The version made from it")
    relation: str = Field(description="`parent` or the input's role")


class Lineage(ApiModel):
    root: str
    direction: Literal["up", "down", "both"] = "both"
    nodes: list[LineageNode] = Field(default_factory=list)
    edges: list[LineageEdge] = Field(default_factory=list)


class Token(ApiModel):
    name: str
    role: Literal["viewer", "editor", "admin"]
    hint: str
    created_at: datetime
    created_by: str | None = None
    last_used_at: datetime | None = None


class CreatedToken(Token):
    token: str = Field(description="The secret: shown once")


class PullResult(ApiModel):
    """What a pull did: files written, files already present, bytes fetched."""

    version: Version
    directory: str
    files_written: int = 0
    files_unchanged: int = 0
    bytes_downloaded: int = 0
