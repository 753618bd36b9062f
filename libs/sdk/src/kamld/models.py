"""Typed objects the client returns: frozen ``msgspec`` structs decoded from the public API's JSON.

They accept fields they do not know yet (and leave them out), so an older client keeps working
against a newer server. msgspec rather than pydantic because every command builds some of these:
importing pydantic and building these models cost ~100 ms of each command's start, msgspec ~10.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import msgspec

from kamld.errors import UnexpectedAnswer

T = TypeVar("T")
M = TypeVar("M", bound="ApiModel")


def decode(kind: type[T], data: Any) -> T:
    """Decode parsed JSON into ``kind``: an :class:`ApiModel`, or a type built of them (``Page[Version]``).

    An answer that does not fit raises :class:`UnexpectedAnswer` naming the field (``at `$.number```).
    """
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        name = getattr(kind, "__name__", None) or repr(kind)
        raise UnexpectedAnswer(
            f"the server's answer is not a {name} this client can read: {exc}", code="unexpected_answer"
        ) from None


class ApiModel(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every API object: immutable, keyword-only, compared by value."""

    @classmethod
    def from_api(cls: type[M], data: Any) -> M:
        """Decode the API's parsed JSON into this type; :class:`UnexpectedAnswer` if it does not fit."""
        return decode(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """The object as the API's JSON would have it (dates as ISO 8601 strings, ``from`` not ``source``)."""
        built: dict[str, Any] = msgspec.to_builtins(self)
        return built


class VersionLink(ApiModel, frozen=True, kw_only=True):
    """A pointer to one version: ``ref`` is ``NAME:vN``."""

    artifact: str
    number: int
    name: str
    ref: str
    digest: str


class InputLink(VersionLink, frozen=True, kw_only=True):
    role: str


class Artifact(ApiModel, frozen=True, kw_only=True):
    name: str
    kind: str
    description: str = ""
    labels: dict[str, str] = {}
    created_at: datetime
    created_by: str
    updated_at: datetime | None = None
    archived: bool = False
    archived_at: datetime | None = None
    archived_by: str | None = None
    version_count: int = 0
    latest: VersionLink | None = None


class Version(ApiModel, frozen=True, kw_only=True):
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


class PushedVersion(Version, frozen=True, kw_only=True):
    """The version a push recorded, with what the push had to send.

    ``unchanged``: nothing was recorded because the newest version already holds this content;
    this is that version.
    """

    unchanged: bool = False
    bytes_sent: int = 0
    bytes_deduplicated: int = 0  # bytes the platform already held and were not sent


class Page(ApiModel, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next: str | None = None


def page_type(model: type[M]) -> type[Page[M]]:
    """``Page[model]`` for a model chosen at run time (a type checker reads ``Page[model]`` as a type)."""
    generic: Any = Page
    page: type[Page[M]] = generic[model]
    return page


class FileInfo(ApiModel, frozen=True, kw_only=True):
    """One file of a version."""

    path: str
    size: int
    mode: int = 0o644
    digest: str


class Alias(ApiModel, frozen=True, kw_only=True):
    artifact: str
    alias: str
    version: VersionLink
    updated_at: datetime
    updated_by: str


class AliasEvent(ApiModel, frozen=True, kw_only=True):
    """One move of an alias: version numbers before and after (null when set, or when deleted)."""

    id: int
    artifact: str
    alias: str
    action: Literal["set", "move", "delete"]
    from_version: int | None = None
    to_version: int | None = None
    actor: str
    at: datetime


class FileChange(ApiModel, frozen=True, kw_only=True):
    """One changed path, with the old and new sizes and digests where they exist."""

    change: Literal["added", "removed", "modified", "renamed"]
    path: str
    old_path: str | None = None
    old_size: int | None = None
    new_size: int | None = None
    old_digest: str | None = None
    new_digest: str | None = None


class Diff(ApiModel, frozen=True, kw_only=True):
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


class DiffPage(Diff, frozen=True, kw_only=True):
    """One page of the API's diff listing; :meth:`kamld.Client.diff` joins them into one :class:`Diff`."""

    next: str | None = None


class LineageNode(VersionLink, frozen=True, kw_only=True):
    kind: str
    author: str
    created_at: datetime
    message: str = ""
    distance: int = 0


class LineageEdge(ApiModel, frozen=True, kw_only=True):
    """``source`` was used to make ``target``: a parent (role ``parent``) or an input in ``role``."""

    source: str = msgspec.field(name="from")
    target: str = msgspec.field(name="to")
    role: str


class Lineage(ApiModel, frozen=True, kw_only=True):
    root: str
    direction: Literal["up", "down", "both"]
    depth: int
    nodes: list[LineageNode] = []
    edges: list[LineageEdge] = []
    truncated: bool = False

    def node(self, ref: str) -> LineageNode | None:
        return next((n for n in self.nodes if n.ref == ref), None)


class GcReport(ApiModel, frozen=True, kw_only=True):
    """What a garbage collection deleted (or, in a dry run, would delete) and what it kept."""

    objects: int
    bytes: int
    dry_run: bool
    marked: int


class Token(ApiModel, frozen=True, kw_only=True):
    name: str
    role: Literal["viewer", "editor", "admin"]
    hint: str
    created_at: datetime
    created_by: str | None = None
    last_used_at: datetime | None = None
    s3_access_key_id: str | None = None


class CreatedToken(Token, frozen=True, kw_only=True):
    token: str  # the secret: shown once
    s3_secret_access_key: str | None = None  # shown once too


class PullResult(ApiModel, frozen=True, kw_only=True):
    """What a pull did: files written, already right and removed; bytes downloaded and bytes reused
    from files already in the directory; untracked files it kept."""

    version: Version
    directory: str
    file_count: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    bytes_downloaded: int = 0
    bytes_reused: int = 0
    untracked: list[str] = []
