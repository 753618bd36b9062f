"""Request and response bodies of the artifact routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from kamld_metadata_hub.schemas import (
    LABELS_SCHEMA,
    Kind,
    Labels,
    LabelValue,
    StrictModel,
    Text,
    VersionLink,
    check_labels,
)


class ArtifactCreate(StrictModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$", examples=["faces"])
    kind: Kind
    description: Text = ""
    labels: Labels = Field(default_factory=dict)


class ArtifactUpdate(StrictModel):
    """A merge patch: absent fields stay; a label set to null is removed."""

    description: Text | None = None
    labels: (
        Annotated[
            dict[str, LabelValue | None], AfterValidator(check_labels), Field(json_schema_extra=LABELS_SCHEMA)
        ]
        | None
    ) = None


class ArtifactView(BaseModel):
    name: str
    kind: Kind
    description: str
    labels: dict[str, str]
    created_at: datetime
    created_by: str
    updated_at: datetime
    archived: bool
    archived_at: datetime | None
    archived_by: str | None
    version_count: int
    latest: VersionLink | None = Field(
        description="The version `latest` points at; null before the first push"
    )
