"""Shapes of a version's profile."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class TableSummary(BaseModel):
    path: str
    format: str = Field(description="csv, tsv, parquet or jsonl")
    status: Literal["ok", "sampled", "unreadable"] = Field(
        description="sampled: over the size limit, profiled on its first rows; unreadable: see `reason`"
    )
    rows: int | None = Field(description="Rows profiled (all of them unless sampled)")
    columns: int
    reason: str | None = None


class VersionProfileView(BaseModel):
    ref: str
    status: Literal["pending", "done"] = Field(description="pending: the version is still being profiled")
    tables: list[TableSummary] = Field(description="Every profiled table of the version, in path order")
    images: dict[str, Any] | None = Field(
        description="Images: count, count by format, width and height spread (from headers), or null"
    )


class FileProfileView(BaseModel):
    ref: str
    path: str
    status: Literal["ok", "sampled", "unreadable"]
    format: str
    rows: int | None
    reason: str | None = None
    columns: list[dict[str, Any]] = Field(
        description="Per column: name, type, nulls, distinct_approx, min, max; numbers also mean, stddev, "
        "quantiles (q25, q50, q75) and histogram (from, to, count); text also top_values"
    )
