"""What a search engine is to metadata-hub: a projection of the catalog it can write and query.

Writes are idempotent upserts by document key (indexing is at-least-once); reads take a parsed
:class:`~kamld_metadata_hub.search.query.Query` and answer ranked hits and facet counts. An engine
that cannot be reached raises :class:`SearchUnavailable`, which the API answers 503 while pushes
go on and the index jobs wait to be retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kamld_common.errors import Unavailable
from kamld_metadata_hub.search.query import Query


class DocType(StrEnum):
    ARTIFACT = "artifact"
    VERSION = "version"
    FILE = "file"
    COLUMN = "column"


@dataclass(frozen=True)
class SearchDocument:
    """One searchable thing. ``title`` is what it is called (a name, a path), ranked above ``body``
    (description, message, author, metadata, aliases, column type)."""

    key: str
    type: DocType
    artifact: str
    kind: str
    title: str
    body: str = ""
    version: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class ArtifactFacts:
    """What filters and facets need about an artifact: kept once per artifact, not per document."""

    artifact: str
    kind: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class SearchRequest:
    query: Query
    types: frozenset[DocType] = frozenset()
    kind: str | None = None
    labels: Mapping[str, str | None] = field(default_factory=dict)
    offset: int = 0
    limit: int = 20
    text: str = ""
    """The query as typed: a document whose title is exactly this ranks first."""
    path_fragment: str | None = None
    """A bare term that looks like part of a path, for engines that can match inside words."""


@dataclass(frozen=True)
class Facets:
    kinds: dict[str, int]
    labels: dict[tuple[str, str], int]


@dataclass(frozen=True)
class SearchResult:
    hits: list[tuple[SearchDocument, float]]
    total: int
    facets: Facets


class SearchUnavailable(Unavailable):
    """The engine did not answer; the detail says which engine and what to do."""

    def __init__(self, engine: str, reason: str) -> None:
        super().__init__(
            f"the {engine} search engine is unavailable ({reason}); pushes go on and "
            "indexing catches up when it is back",
            code="search_unavailable",
            extra={"engine": engine},
        )


class SearchIndex(Protocol):
    """A search engine. Each implementation is held to ``tests/search/contract.py``."""

    name: str

    async def start(self) -> None:
        """Create what the engine needs (tables, index template); safe to call again."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise :class:`SearchUnavailable` unless the engine answers."""

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace documents by key."""

    async def set_artifact(self, facts: ArtifactFacts) -> None:
        """Record an artifact's kind and labels for filters and facets."""

    async def search(self, request: SearchRequest) -> SearchResult: ...

    async def reset(self) -> None:
        """Start an empty index for a rebuild; :meth:`publish` makes it the one searched."""

    async def publish(self) -> None:
        """Make the index built since :meth:`reset` the one searched (an alias swap where the
        engine has aliases)."""
