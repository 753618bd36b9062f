"""Request and response bodies of the alias routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from kamld_common import patterns
from kamld_metadata_hub.promotion.schemas import GateReason
from kamld_metadata_hub.schemas import StrictModel, VersionLink


class AliasSet(StrictModel):
    version: str = Field(
        max_length=100,
        description="`v3`, `3`, another alias, or a digest prefix (empty: `latest`)",
        examples=["v3"],
        json_schema_extra={"pattern": patterns.REF_OR_LATEST},
    )
    expected_version: str | None = Field(
        None,
        max_length=100,
        json_schema_extra={"pattern": patterns.REF},
        description="Compare-and-set: refuse (409) unless the alias points at this version now",
    )
    override_reason: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        json_schema_extra={"pattern": r"^[^\x00]*\S[^\x00]*$"},
        description="Move even though the alias's promotion policy refuses the version (admins only); "
        "the reason is kept in the alias history",
    )


class AliasView(BaseModel):
    artifact: str
    alias: str
    version: VersionLink
    updated_at: datetime
    updated_by: str


class AliasEventView(BaseModel):
    id: int = Field(description="Increases with every move; the history cursor")
    artifact: str
    alias: str
    action: Literal["set", "move", "delete"]
    from_version: int | None = Field(description="Number the alias pointed at before; null when newly set")
    to_version: int | None = Field(description="Number the alias points at after; null when deleted")
    actor: str
    at: datetime
    override_reason: str | None = Field(
        None, description="Why the move went past the alias's promotion policy (`actor` overrode it)"
    )
    overridden: list[GateReason] = Field(
        default_factory=list, description="The policy's refusals the override set aside"
    )
