"""Request and response bodies of the version routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from kamld_common import patterns
from kamld_metadata_hub.schemas import Kind, Labels, Metadata, StrictModel, Text, VersionLink

MAX_INPUTS = 256
MAX_PARENTS = 16


class InputSpec(StrictModel):
    ref: str = Field(
        max_length=300,
        description="`NAME[:REF]` of a version of another artifact",
        examples=["raw-images:v3"],
        json_schema_extra={"pattern": patterns.NAME_REF},
    )
    role: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,31}$",
        examples=["trained_on", "derived_from"],
        json_schema_extra={"pattern": patterns.ROLE},
    )

    @field_validator("role")
    @classmethod
    def _not_parent(cls, role: str) -> str:
        if role == "parent":
            raise ValueError("'parent' is reserved for versions of the same artifact: use `parents`")
        return role


class VersionCreate(StrictModel):
    digest: str = Field(pattern=r"^blake3:[0-9a-f]{64}$", description="Merkle root of the manifest")
    file_count: int = Field(ge=0, le=2**53)
    total_bytes: int = Field(ge=0, le=2**62)
    message: Text = ""
    metadata: Metadata = Field(default_factory=dict)
    inputs: list[InputSpec] = Field(default_factory=list, max_length=MAX_INPUTS)
    parents: list[str] | None = Field(
        None,
        max_length=MAX_PARENTS,
        description="Refs of this artifact's versions this one derives from; default: the current latest",
        json_schema_extra={"items": {"type": "string", "pattern": patterns.REF}},
    )
    expected_parent: str | None = Field(
        None,
        max_length=100,
        description="Refuse (409) unless this ref is the artifact's newest version when the push lands",
        json_schema_extra={"pattern": patterns.REF},
    )
    kind: Kind | None = Field(None, description="Creates the artifact on first push when given")
    labels: Labels | None = Field(
        None,
        description="Labels set on the artifact with this push (merged into an existing artifact's labels)",
    )
    description: Text | None = Field(
        None, description="The artifact's description, set with this push (replaces an existing one)"
    )
    allow_empty: bool = Field(
        False,
        strict=True,
        description="Record a new version even when `digest` equals the newest version's "
        "(otherwise such a push records nothing and answers that version with `unchanged`)",
    )


class InputLink(VersionLink):
    role: str


class VersionView(BaseModel):
    artifact: str
    kind: Kind
    number: int
    name: str = Field(description="`v<number>`")
    ref: str = Field(description="`<artifact>:v<number>`")
    digest: str
    parents: list[VersionLink]
    inputs: list[InputLink]
    message: str
    author: str
    created_at: datetime
    metadata: dict[str, Any]
    file_count: int
    total_bytes: int
    aliases: list[str]


class PushedVersionView(VersionView):
    unchanged: bool = Field(
        False,
        description="True when the push recorded no new version: the newest version already holds "
        "this content (this is that version)",
    )


class ResolvedReference(VersionView):
    path: str | None = Field(None, description="The `/PATH` part of the reference, if any")


class CatalogVersion(BaseModel):
    """One version as a consistency check walks the catalog: who it is and which manifest it names."""

    artifact: str
    number: int
    digest: str


class CatalogVersionPage(BaseModel):
    items: list[CatalogVersion]
    next: str | None = Field(description="Pass as `after` to get the following page; null on the last page")
    total: int = Field(description="Versions in the whole listing (all pages)")
