"""Shapes of a recall (metadata-hub's own, declared here so the public document shows every field)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kamld_workbench_api.catalog.schemas import VersionLink


class ContainingVersion(VersionLink):
    kind: str
    paths: list[str] = Field(description="Where the content sits in this version (up to 100 paths)")
    aliases: list[str] = Field(description="Aliases of this artifact that point at this version now")


class DownstreamVersion(VersionLink):
    kind: str
    made_from: list[str] = Field(description="The versions (refs) this one was made from on the way")
    role: str = Field(description="The input role of the first such edge (`train`, `input`, ...)")
    distance: int = Field(description="Input edges from the nearest version holding the content")
    aliases: list[str] = Field(description="Aliases of this artifact that point at this version now")


class AliasHit(BaseModel):
    artifact: str
    alias: str
    ref: str = Field(description="The version it points at, which holds the content or was made from it")


class RecallView(BaseModel):
    digest: str = Field(description="The file content's digest (`blake3:…`)")
    size: int | None = Field(description="Its size in bytes; null when no indexed version holds it")
    contains: list[ContainingVersion] = Field(description="Every version of every artifact that holds it")
    downstream: list[DownstreamVersion] = Field(
        description="Every version of another artifact made from those (splits, models), transitively"
    )
    aliases: list[AliasHit] = Field(description="Every alias that points at one of those versions now")
    complete: bool = Field(description="False while versions wait to be indexed (the answer may miss them)")
    truncated: bool = Field(description="True when more versions were found than one answer lists")
