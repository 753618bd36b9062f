"""The lineage graph: versions as nodes, parent and input edges between them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kamld_metadata_hub.schemas import Kind, VersionLink

Direction = Literal["up", "down", "both"]


class LineageNode(VersionLink):
    kind: Kind
    author: str
    created_at: datetime
    message: str
    distance: int = Field(description="Edges between this version and the root (0 for the root)")


class LineageEdge(BaseModel):
    """``from`` was used to make ``to``: a parent (role `parent`) or an input in ``role``."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    source: str = Field(alias="from", description="Ref of the upstream version")
    target: str = Field(alias="to", description="Ref of the downstream version")
    role: str


class LineageGraph(BaseModel):
    root: str
    direction: Direction
    depth: int
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = Field(description="True when the node limit cut the walk short")
