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


class GateReason(ApiModel, frozen=True, kw_only=True):
    """Why one rule of a promotion policy refuses a version."""

    rule: str
    message: str


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
    override_reason: str | None = None
    """Why an admin moved the alias past its promotion policy (``actor`` is who); None otherwise."""
    overridden: list[GateReason] = msgspec.field(default_factory=list)
    """The policy's refusals the override set aside."""


class AliasPolicy(ApiModel, frozen=True, kw_only=True):
    """The promotion policy of an alias: the rules every move of it must pass.

    Each rule is a dict with ``rule`` naming its kind: ``metric_not_worse`` (``metric``,
    ``direction`` max|min, ``tolerance``), ``metric_threshold`` (``metric``, ``min``, ``max``),
    ``signature_matches_inputs`` (``role``, ``ignore_columns``), ``requires_metadata`` (``key``, ``value``).
    """

    artifact: str
    alias: str
    rules: list[dict[str, Any]]
    updated_at: datetime
    updated_by: str


class Event(ApiModel, frozen=True, kw_only=True):
    """One entry of the activity feed: who changed what, with the state before and after."""

    id: int
    event_id: str | None = None
    type: str
    actor: str
    subject: str
    artifact: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    trace_id: str | None = None
    source: str | None = None
    occurred_at: datetime
    recorded_at: datetime


class Webhook(ApiModel, frozen=True, kw_only=True):
    """A subscription of a URL to events; ``secret`` is only in the answer that created it."""

    id: int
    url: str
    types: list[str] = msgspec.field(default_factory=list)
    artifacts: list[str] = msgspec.field(default_factory=list)
    position: int = 0
    created_by: str
    created_at: datetime
    secret: str | None = None


class WebhookDelivery(ApiModel, frozen=True, kw_only=True):
    """One event sent (or being sent) to a webhook."""

    id: int
    webhook_id: int
    event_id: int
    event_type: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    response_status: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    updated_at: datetime


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


class VersionCheck(ApiModel, frozen=True, kw_only=True):
    """One version checked against the object store: ``ok``, or what is missing and which files it breaks."""

    artifact: str
    number: int
    ref: str
    digest: str
    ok: bool
    files: int
    chunks: int
    missing_chunks: int
    missing_manifest_objects: int
    damaged_file_count: int
    damaged_files: list[str]


class VerifyPage(ApiModel, frozen=True, kw_only=True):
    """One page of a consistency check; ``total`` counts the versions of every page."""

    items: list[VersionCheck]
    next: str | None = None
    total: int


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


class SearchHighlight(ApiModel, frozen=True, kw_only=True):
    """Where a hit matched: ``spans`` are [start, end) offsets into ``text``."""

    field: str
    text: str
    spans: list[tuple[int, int]] = []


class SearchHit(ApiModel, frozen=True, kw_only=True):
    type: Literal["artifact", "version", "file", "column"]
    artifact: str
    kind: str
    ref: str
    title: str
    score: float
    version: int | None = None
    path: str | None = None
    highlights: list[SearchHighlight] = []


class LabelFacet(ApiModel, frozen=True, kw_only=True):
    key: str
    value: str
    count: int


class SearchFacets(ApiModel, frozen=True, kw_only=True):
    kind: dict[str, int] = {}
    label: list[LabelFacet] = []


class SearchResults(ApiModel, frozen=True, kw_only=True):
    """One page of search hits, with how many match in all and the facet counts."""

    items: list[SearchHit]
    next: str | None = None
    total: int
    facets: SearchFacets
    engine: str


class Reindex(ApiModel, frozen=True, kw_only=True):
    engine: str
    queued: bool


class RecallVersion(VersionLink, frozen=True, kw_only=True):
    kind: str
    aliases: list[str] = []
    paths: list[str] = []


class RecallDownstream(VersionLink, frozen=True, kw_only=True):
    kind: str
    made_from: list[str] = []
    role: str
    distance: int
    aliases: list[str] = []


class RecallAlias(ApiModel, frozen=True, kw_only=True):
    artifact: str
    alias: str
    ref: str


class Recall(ApiModel, frozen=True, kw_only=True):
    """Where one content digest went: versions holding it, versions made from them, aliases on them."""

    digest: str
    size: int | None = None
    contains: list[RecallVersion] = []
    downstream: list[RecallDownstream] = []
    aliases: list[RecallAlias] = []
    complete: bool = True
    truncated: bool = False


class TableSummary(ApiModel, frozen=True, kw_only=True):
    path: str
    format: str
    status: str
    rows: int | None = None
    columns: int
    reason: str | None = None


class VersionProfile(ApiModel, frozen=True, kw_only=True):
    """A version's tables and images, or ``status`` pending while it is being profiled."""

    ref: str
    status: str
    tables: list[TableSummary] = []
    images: dict[str, Any] | None = None


class FileProfile(ApiModel, frozen=True, kw_only=True):
    """One table's schema and per-column statistics."""

    ref: str
    path: str
    status: str
    format: str
    rows: int | None = None
    reason: str | None = None
    columns: list[dict[str, Any]] = []


class ColumnType(ApiModel, frozen=True, kw_only=True):
    name: str
    type: str


class Retyped(ApiModel, frozen=True, kw_only=True):
    name: str
    old: str
    new: str


class SchemaChanges(ApiModel, frozen=True, kw_only=True):
    added: list[ColumnType] = []
    removed: list[ColumnType] = []
    retyped: list[Retyped] = []


class RowCounts(ApiModel, frozen=True, kw_only=True):
    added: int
    removed: int
    changed: int


class RowChange(ApiModel, frozen=True, kw_only=True):
    change: Literal["added", "removed", "changed"]
    key: Any = None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    columns: list[str] = []


class RowDiff(ApiModel, frozen=True, kw_only=True):
    """One page of a table's row-level diff between two versions, with the schema changes and the
    counts of all changed rows."""

    from_ref: str = msgspec.field(name="from")
    to_ref: str = msgspec.field(name="to")
    path: str
    key: str | None = None
    schema_changes: SchemaChanges = msgspec.field(name="schema")
    counts: RowCounts
    items: list[RowChange] = []
    next: str | None = None


class RunInput(ApiModel, frozen=True, kw_only=True):
    ref: str
    digest: str
    role: str


class PinnedCode(ApiModel, frozen=True, kw_only=True):
    ref: str
    digest: str


class Run(ApiModel, frozen=True, kw_only=True):
    """A training run: what it trains on (inputs pinned to exact versions) and how it went."""

    id: str
    name: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    recipe: str | None
    code: PinnedCode | None
    entrypoint: list[str] | None
    inputs: list[RunInput]
    params: dict[str, Any]
    logged_params: dict[str, Any]
    output: str | None
    output_version: str | None
    resources: dict[str, Any]
    executor: str
    creator: str
    error: str | None
    exit_code: int | None
    metrics: dict[str, float]
    bytes_downloaded: int
    retry_of: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    command_started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")
