"""Public shapes of runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamld_common import patterns
from kamld_common.json_numbers import JsonInt

INPUT_PATTERN = patterns.NAME_REF[:-1] + r"(?:=[a-z][a-z0-9_]{0,31})?$"
"""``NAME[:REF][=ROLE]``."""
EXACT_REFERENCE = r"^[a-z0-9][a-z0-9._-]{0,127}:v[1-9][0-9]{0,11}$"
"""``NAME:vN``."""


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


Executor = Literal["local", "kubernetes", "external"]


class Resources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu: float = Field(1.0, gt=0, le=256, description="CPU cores (a request on Kubernetes)")
    memory_mb: int | None = Field(None, ge=64, le=4 * 1024 * 1024, description="Memory limit in MiB")
    timeout_s: int | None = Field(None, ge=1, le=30 * 24 * 3600, description="The run fails after this")
    gpus: int = Field(0, ge=0, le=16, description="GPUs (Kubernetes executor)")


class RunCreate(BaseModel):
    """What to train: a built-in recipe, or a version of a `code` artifact and its entrypoint."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200, description="Human name of the run")
    recipe: str | None = Field(
        None, max_length=64, examples=["sklearn-tabular"], description="A built-in recipe"
    )
    code: str | None = Field(
        None, max_length=200, examples=["trainer-code:v2"], description="`NAME[:REF]` of a `code` artifact"
    )
    entrypoint: list[str] | None = Field(
        None, min_length=1, max_length=256, description="Program and arguments run in the code (no shell)"
    )
    inputs: list[str] = Field(
        default_factory=list,
        max_length=64,
        description="`NAME[:REF][=ROLE]`, each resolved to an exact version now; ROLE defaults to `input`",
        examples=[["faces:v2=train"]],
        json_schema_extra={"items": {"type": "string", "pattern": INPUT_PATTERN, "maxLength": 230}},
    )
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters (typed by the recipe)")
    output: str | None = Field(
        None,
        max_length=128,
        description="The model artifact the run produces (for `external`, it may come with the push)",
        json_schema_extra={"pattern": patterns.NAME},
    )
    resources: Resources = Field(default_factory=Resources)
    executor: Executor = Field("local", description="`external`: a run tracked by hand through the SDK")


class PinnedVersionView(BaseModel):
    ref: str = Field(description="`NAME:vN`")
    digest: str


class RunInputView(PinnedVersionView):
    role: str


class RunView(BaseModel):
    id: uuid.UUID
    name: str
    status: RunStatus
    recipe: str | None
    code: PinnedVersionView | None
    entrypoint: list[str] | None
    inputs: list[RunInputView]
    params: dict[str, Any]
    logged_params: dict[str, Any]
    output: str | None
    output_version: str | None = Field(description="`NAME:vN` the run registered, once it succeeded")
    resources: Resources
    executor: Executor
    creator: str
    error: str | None = Field(description="Why the run failed or was cancelled, with its log's tail")
    exit_code: int | None
    metrics: dict[str, float] = Field(description="The last value of each metric")
    bytes_downloaded: int = Field(description="Input bytes downloaded for this run (0: all were cached)")
    retry_of: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    command_started_at: datetime | None
    finished_at: datetime | None


class MetricIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=128)
    value: float = Field(allow_inf_nan=False, strict=True)
    step: JsonInt = Field(0, ge=0, le=2**53, description="Training step; at most 2^53")


class TrackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metrics: list[MetricIn] = Field(default_factory=list, max_length=10_000)
    params: dict[str, Any] = Field(default_factory=dict)


class FinishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["succeeded", "failed"]
    output_version: str | None = Field(
        None, max_length=140, pattern=EXACT_REFERENCE, description="`NAME:vN` the run pushed"
    )
    error: str | None = Field(None, max_length=8192)


class MetricPoint(BaseModel):
    step: int
    value: float
    at: datetime


class MetricsView(BaseModel):
    run_id: uuid.UUID
    series: dict[str, list[MetricPoint]] = Field(description="Each metric's values ordered by step")
