"""Wire shapes of ``POST /query``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kamld_common import patterns
from kamld_storage_gateway.query.file_split import MAX_EXCLUDE
from kamld_storage_gateway.query.references import ResolvedTable

MAX_LISTED_FILES = 100


class ResultFormat(StrEnum):
    json = "json"
    arrow = "arrow"
    csv = "csv"
    parquet = "parquet"


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(max_length=100_000, description="One SELECT; tables are written 'NAME:REF/PATH'")
    format: ResultFormat = Field(ResultFormat.json, description="`json`: a page of rows; others: every row")
    limit: int = Field(100, ge=1, le=1000, description="Rows per page (`json` only)")
    after: str | None = Field(None, max_length=4096, description="Cursor: the `next` of the previous page")


class QueriedVersion(BaseModel):
    reference: str = Field(description="The table reference as the query wrote it")
    version: str = Field(description="The exact version it resolved to, `NAME:vN`")
    digest: str
    format: str = Field(description="csv, tsv, parquet or json (JSON Lines)")
    file_count: int
    files: list[str] = Field(description=f"The files read (the first {MAX_LISTED_FILES})")


class Column(BaseModel):
    name: str
    type: str


class QueryOut(BaseModel):
    engine: str
    versions: list[QueriedVersion]
    columns: list[Column]
    items: list[dict[str, Any]]
    next: str | None = Field(description="Pass as `after` (with the same SQL) for the following page")


def queried_version(table: ResolvedTable) -> QueriedVersion:
    return QueriedVersion(
        reference=table.reference.text,
        version=table.version,
        digest=table.digest,
        format=table.format,
        file_count=len(table.files),
        files=[entry.path for entry in table.files[:MAX_LISTED_FILES]],
    )


class TableSplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str = Field(
        max_length=2000,
        json_schema_extra={"pattern": patterns.FILE_REF},
        description="One table file of a version, `NAME:REF/PATH` (checked when the split runs)",
    )
    test: float = Field(gt=0, lt=1, description="Fraction of the rows for `test/`")
    val: float = Field(0.0, ge=0, lt=1, description="Fraction of the rows for `val/` (0: no `val/`)")
    seed: int = Field(0, ge=-(2**63), lt=2**63, description="The same seed gives the same parts")
    stratify: str | None = Field(
        None, min_length=1, max_length=1000, description="A column: each of its values is split alike"
    )


class TableSplitPart(BaseModel):
    part: str = Field(description="train, test or val")
    path: str = Field(description="The part's file in the upload session, `PART/PATH`")
    rows: int
    size: int
    digest: str


class TableSplitOut(BaseModel):
    version: str = Field(description="The exact version the table was read from, `NAME:vN`")
    digest: str = Field(description="That version's manifest digest")
    path: str
    parts: list[TableSplitPart]


class FileSplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        max_length=300,
        json_schema_extra={"pattern": patterns.NAME_REF},
        description="The version whose files are split, `NAME[:REF]` (checked when the split runs)",
    )
    test: float = Field(gt=0, lt=1, description="Fraction of the files for `test/`")
    val: float = Field(0.0, ge=0, lt=1, description="Fraction of the files for `val/` (0: no `val/`)")
    seed: int = Field(0, ge=-(2**63), lt=2**63, description="The same seed gives the same parts")
    exclude: list[Annotated[str, Field(max_length=4096)]] = Field(
        [],
        max_length=MAX_EXCLUDE,
        description="Paths of the source left out (such as tables split by rows); each must be a file of it",
    )


class FileSplitOut(BaseModel):
    version: str = Field(description="The exact version split, `NAME:vN`")
    digest: str = Field(description="That version's manifest digest")
    counts: dict[str, int] = Field(description="Files staged per part: `train`, `test` (and `val`)")
    excluded: int = Field(description="Files of the source left out")
