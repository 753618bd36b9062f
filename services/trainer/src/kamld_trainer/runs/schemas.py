"""Request and response shapes of runs."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

ARTIFACT_NAME = r"^[a-z0-9][a-z0-9._-]{0,127}$"
# NAME[:REF], REF being v3, 3, an alias or a digest prefix; an input pins a version, so no /PATH.
INPUT_REFERENCE = r"^[a-z0-9][a-z0-9._-]{0,127}(:[A-Za-z0-9][A-Za-z0-9._-]{0,127})?$"
MAX_PARAMS_BYTES = 64 * 1024

InputReference = Annotated[str, Field(pattern=INPUT_REFERENCE, examples=["faces:v3"])]
CommandWord = Annotated[str, Field(min_length=1, max_length=4096)]


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class RunIn(BaseModel):
    """A run to queue."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Human name of the run")
    artifact: str = Field(pattern=ARTIFACT_NAME, description="Name of the model artifact the run produces")
    inputs: list[InputReference] = Field(
        default_factory=list, max_length=256, description="Pinned input versions, `NAME[:REF]`"
    )
    command: list[CommandWord] = Field(
        min_length=1, max_length=256, description="Program and arguments, run without a shell"
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description=f"Hyper-parameters, at most {MAX_PARAMS_BYTES} bytes as JSON"
    )

    @field_validator("params")
    @classmethod
    def _params_are_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
        if size > MAX_PARAMS_BYTES:
            raise ValueError(f"params are {size} bytes as JSON; at most {MAX_PARAMS_BYTES} are accepted")
        return value


class Run(BaseModel):
    """A recorded run."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    artifact: str
    inputs: list[str]
    command: list[str]
    params: dict[str, Any]
    status: RunStatus
    created_at: datetime
    updated_at: datetime
