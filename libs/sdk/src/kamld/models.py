"""Typed objects the client returns (pydantic models of the public API's JSON).

They accept fields they do not know yet, so an older client keeps working against a newer server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)


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
    labels: dict[str, str] = {}
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
    parents: list[VersionLink] = []
    inputs: list[InputLink] = []
    message: str = ""
    author: str
    created_at: datetime
    metadata: dict[str, Any] = {}
    file_count: int
    total_bytes: int
    aliases: list[str] = []


class PushedVersion(Version):
    """The version a push recorded, with what the push had to send."""

    bytes_sent: int = 0
    bytes_deduplicated: int = Field(0, description="Bytes the platform already held and were not sent")


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
    artifact: str
    alias: str
    version: VersionLink
    updated_at: datetime
    updated_by: str


class AliasEvent(ApiModel):
    """One move of an alias: version numbers before and after (null when set, or when deleted)."""

    id: int
    artifact: str
    alias: str
    action: Literal["set", "move", "delete"]
    from_version: int | None = None
    to_version: int | None = None
    actor: str
    at: datetime


class FileChange(ApiModel):
    """One changed path, with the old and new sizes and digests where they exist."""

    change: Literal["added", "removed", "modified", "renamed"]
    path: str
    old_path: str | None = None
    old_size: int | None = None
    new_size: int | None = None
    old_digest: str | None = None
    new_digest: str | None = None


class Diff(ApiModel):
    """What changed from one version of an artifact to another, in path order."""

    from_version: VersionLink
    to_version: VersionLink
    changes: list[FileChange] = []

    def of(self, change: str) -> list[FileChange]:
        return [c for c in self.changes if c.change == change]

    @property
    def added(self) -> list[FileChange]:
        return self.of("added")

    @property
    def removed(self) -> list[FileChange]:
        return self.of("removed")

    @property
    def modified(self) -> list[FileChange]:
        return self.of("modified")

    @property
    def changed_paths(self) -> set[str]:
        return {c.path for c in self.changes} | {c.old_path for c in self.changes if c.old_path}


class LineageNode(VersionLink):
    kind: str
    author: str
    created_at: datetime
    message: str = ""
    distance: int = 0


class LineageEdge(ApiModel):
    """``source`` was used to make ``target``: a parent (role ``parent``) or an input in ``role``."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, defer_build=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    role: str


class Lineage(ApiModel):
    root: str
    direction: Literal["up", "down", "both"]
    depth: int
    nodes: list[LineageNode] = []
    edges: list[LineageEdge] = []
    truncated: bool = False

    def node(self, ref: str) -> LineageNode | None:
        return next((n for n in self.nodes if n.ref == ref), None)


class GcReport(ApiModel):
    """What a garbage collection deleted (or, in a dry run, would delete) and what it kept."""

    objects: int
    bytes: int
    dry_run: bool
    marked: int


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
    file_count: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    bytes_downloaded: int = 0
