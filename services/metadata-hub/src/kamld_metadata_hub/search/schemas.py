"""The search API's shapes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SearchType = Literal["artifact", "version", "file", "column"]


class HighlightView(BaseModel):
    field: Literal["title", "body"] = Field(description="`title`: the name or path; `body`: the rest")
    text: str = Field(description="The field's text, or a window of it around the matches")
    spans: list[tuple[int, int]] = Field(
        description="[start, end) character offsets of the matches in `text`"
    )


class SearchHitView(BaseModel):
    type: SearchType
    artifact: str
    kind: str
    version: int | None = Field(None, description="The version number, for versions, files and columns")
    ref: str = Field(description="What `kamld show` / `kamld cat` take: `name`, `name:v3` or `name:v3/path`")
    path: str | None = None
    title: str
    score: float = Field(
        description="Relevance as the engine ranks it (higher is better; engine-specific scale)"
    )
    highlights: list[HighlightView]


class LabelFacet(BaseModel):
    key: str
    value: str
    count: int


class SearchFacets(BaseModel):
    kind: dict[str, int] = Field(description="Matches by artifact kind")
    label: list[LabelFacet] = Field(description="Matches by artifact label, most frequent first")


class SearchPage(BaseModel):
    items: list[SearchHitView]
    next: str | None = Field(description="Pass as `after` to get the following page; null on the last page")
    total: int = Field(description="How many documents match")
    facets: SearchFacets
    engine: str = Field(description="The engine that answered: sqlite, postgresql or elasticsearch")


class ReindexView(BaseModel):
    engine: str
    queued: bool = Field(description="A rebuild was queued; indexing workers carry it out")


class IndexStatusView(BaseModel):
    engine: str
    backlog: dict[str, int] = Field(description="Index jobs waiting, by kind")
