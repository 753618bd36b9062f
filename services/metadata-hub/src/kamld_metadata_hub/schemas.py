"""Schemas and field types shared by the catalog's features."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kamld_common.jsondepth import json_depth
from kamld_metadata_hub.references import LABEL_KEY

Kind = Literal["dataset", "model", "code"]

MAX_TEXT = 65_536
MAX_METADATA_BYTES = 262_144
MAX_LABELS = 64
MAX_METADATA_DEPTH = 32


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# The NUL rule is checked by a validator (for its message) and stated as a pattern for the document.
NO_NUL = {"pattern": "^[^\\x00]*$"}
Text = Annotated[str, Field(max_length=MAX_TEXT, json_schema_extra=NO_NUL), AfterValidator(_no_nul)]
LabelValue = Annotated[str, Field(max_length=256, json_schema_extra=NO_NUL), AfterValidator(_no_nul)]
LABELS_SCHEMA = {"propertyNames": {"pattern": f"^{LABEL_KEY.pattern}$"}, "maxProperties": MAX_LABELS}


def check_labels(labels: dict[str, Any]) -> dict[str, Any]:
    if len(labels) > MAX_LABELS:
        raise ValueError(f"at most {MAX_LABELS} labels")
    for key in labels:
        if not LABEL_KEY.fullmatch(key):
            raise ValueError(f"label key {key!r} must match {LABEL_KEY.pattern} (at most 63 characters)")
    return labels


def check_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Free metadata must be plain JSON (no NaN/Infinity, no NUL), at most 256 KiB and 32 levels deep."""
    if json_depth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
        raise ValueError(f"must nest objects and arrays at most {MAX_METADATA_DEPTH} levels deep")
    try:
        encoded = json.dumps(metadata, allow_nan=False, ensure_ascii=False)
    except ValueError as exc:
        raise ValueError("must be JSON without NaN or Infinity") from exc
    if "\\u0000" in encoded or "\x00" in encoded:
        raise ValueError("must not contain NUL characters")
    if len(encoded.encode()) > MAX_METADATA_BYTES:
        raise ValueError(f"must be at most {MAX_METADATA_BYTES} bytes as JSON")
    return metadata


Labels = Annotated[
    dict[str, LabelValue], AfterValidator(check_labels), Field(json_schema_extra=LABELS_SCHEMA)
]
Metadata = Annotated[dict[str, Any], AfterValidator(check_metadata)]


class StrictModel(BaseModel):
    """Request bodies reject unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class VersionLink(BaseModel):
    """A pointer to one version, readable by people (``ref``) and machines (``number``, ``digest``)."""

    artifact: str
    number: int
    name: str = Field(description="`v<number>`")
    ref: str = Field(description="`<artifact>:v<number>`")
    digest: str


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
