"""Shapes of a row-level diff (metadata-hub's own, declared here for the public document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ColumnType(BaseModel):
    name: str
    type: str


class Retyped(BaseModel):
    name: str
    old: str
    new: str


class SchemaChanges(BaseModel):
    added: list[ColumnType]
    removed: list[ColumnType]
    retyped: list[Retyped]


class RowCounts(BaseModel):
    added: int
    removed: int
    changed: int


class RowChange(BaseModel):
    change: Literal["added", "removed", "changed"]
    key: Any = Field(None, description="The key column's value (with `key`)")
    old: dict[str, Any] | None = Field(description="The row in the older version (common columns)")
    new: dict[str, Any] | None = Field(description="The row in the newer version (common columns)")
    columns: list[str] = Field(description="For changed rows: the columns whose values differ")


class RowDiffView(BaseModel):
    from_ref: str = Field(alias="from")
    to_ref: str = Field(alias="to")
    path: str
    key: str | None = Field(description="Rows matched by this column; without it, whole rows are compared")
    schema_changes: SchemaChanges = Field(alias="schema")
    counts: RowCounts
    items: list[RowChange]
    next: str | None = Field(description="Pass as `after` to get the following page; null on the last page")

    model_config = {"populate_by_name": True}
