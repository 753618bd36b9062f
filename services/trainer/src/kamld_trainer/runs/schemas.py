"""Request and response shapes of runs (trainer's own API; the gateway resolves inputs first)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kamld_common import patterns
from kamld_common.json_numbers import JsonInt

ARTIFACT_NAME = patterns.NAME
# NAME:vN, as the gateway resolved it.
EXACT_REFERENCE = r"^[a-z0-9][a-z0-9._-]{0,127}:v[1-9][0-9]{0,11}$"
ROLE = patterns.ROLE
DIGEST = patterns.DIGEST
MAX_PARAMS_BYTES = 64 * 1024

CommandWord = Annotated[str, Field(min_length=1, max_length=4096)]


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.succeeded, RunStatus.failed, RunStatus.cancelled)


Executor = Literal["local", "kubernetes", "external"]


class PinnedVersion(BaseModel):
    """A version resolved at submit time: ``NAME:vN`` and its content digest."""

    model_config = ConfigDict(extra="forbid")

    ref: str = Field(pattern=EXACT_REFERENCE, examples=["faces:v3"])
    digest: str = Field(pattern=DIGEST)


class RunInput(PinnedVersion):
    role: str = Field(
        max_length=32,
        description="Name of the input's directory in the run",
        examples=["train"],
        json_schema_extra={"pattern": ROLE},
    )

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if not re.fullmatch(ROLE, value):
            raise ValueError("a role is 1-32 of a-z, 0-9, '_', starting with a letter, not 'parent'")
        return value

    @property
    def artifact(self) -> str:
        return self.ref.split(":", 1)[0]


class Resources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu: float = Field(1.0, gt=0, le=256, description="CPU cores (a request on Kubernetes)")
    memory_mb: int | None = Field(None, ge=64, le=4 * 1024 * 1024, description="Memory limit in MiB")
    timeout_s: int | None = Field(None, ge=1, le=30 * 24 * 3600, description="The run fails after this")
    gpus: int = Field(0, ge=0, le=16, description="GPUs (Kubernetes executor)")


class RunIn(BaseModel):
    """A run to queue: a built-in recipe, or a code version and its entrypoint."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200, description="Human name of the run")
    recipe: str | None = Field(None, max_length=64, description="A built-in recipe")
    code: PinnedVersion | None = Field(None, description="A version of a `code` artifact")
    entrypoint: list[CommandWord] | None = Field(
        None, min_length=1, max_length=256, description="Program and arguments run in the code, no shell"
    )
    inputs: list[RunInput] = Field(default_factory=list, max_length=64)
    params: dict[str, Any] = Field(
        default_factory=dict, description=f"Parameters, at most {MAX_PARAMS_BYTES} bytes as JSON"
    )
    output: str | None = Field(
        None, pattern=ARTIFACT_NAME, description="The model artifact the run produces (later for `external`)"
    )
    resources: Resources = Field(default_factory=Resources)
    executor: Executor = "local"
    creator: str = Field("", max_length=200, description="Who asked for the run (the gateway sets it)")

    @field_validator("params")
    @classmethod
    def _params_are_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
        if size > MAX_PARAMS_BYTES:
            raise ValueError(f"params are {size} bytes as JSON; at most {MAX_PARAMS_BYTES} are accepted")
        return value

    @model_validator(mode="after")
    def _one_kind_of_code(self) -> RunIn:
        if self.executor == "external":
            return self
        if self.output is None:
            raise ValueError("a run needs an output artifact")
        if (self.recipe is None) == (self.code is None):
            raise ValueError("give either a recipe or a code version with an entrypoint")
        if self.code is not None and not self.entrypoint:
            raise ValueError("a code run needs an entrypoint")
        if self.recipe is not None and self.entrypoint:
            raise ValueError("a recipe has its own entrypoint")
        roles = [item.role for item in self.inputs]
        if len(set(roles)) != len(roles):
            raise ValueError("two inputs have the same role")
        return self


class Run(BaseModel):
    """A recorded run."""

    id: uuid.UUID
    name: str
    status: RunStatus
    recipe: str | None
    code: PinnedVersion | None
    entrypoint: list[str] | None
    inputs: list[RunInput]
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
    bytes_downloaded: int = Field(description="Input bytes downloaded for this run (0: all cached)")
    retry_of: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    command_started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, record: Any) -> Run:
        return cls(
            id=record.id,
            name=record.name,
            status=record.status,
            recipe=record.recipe,
            code=record.code,
            entrypoint=record.command or None,
            inputs=record.inputs,
            params=record.params,
            logged_params=record.logged_params or {},
            output=record.artifact or None,
            output_version=record.output_version,
            resources=record.resources or {},
            executor=record.executor,
            creator=record.creator,
            error=record.error,
            exit_code=record.exit_code,
            metrics=record.final_metrics or {},
            bytes_downloaded=record.bytes_downloaded or 0,
            retry_of=record.retry_of,
            created_at=record.created_at,
            updated_at=record.updated_at,
            started_at=record.started_at,
            command_started_at=record.command_started_at,
            finished_at=record.finished_at,
        )


MAX_STEP = 2**53
"""The largest step every client (JavaScript's numbers included) and the database hold exactly."""


class MetricIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=128)
    value: float = Field(allow_inf_nan=False, strict=True)
    step: JsonInt = Field(0, ge=0, le=MAX_STEP, description="Training step; at most 2^53")


class TrackIn(BaseModel):
    """Metrics and params a run logs (the SDK, for a run tracked by hand)."""

    model_config = ConfigDict(extra="forbid")

    metrics: list[MetricIn] = Field(default_factory=list, max_length=10_000)
    params: dict[str, Any] = Field(default_factory=dict)


class FinishIn(BaseModel):
    """How a run tracked by hand ended."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["succeeded", "failed"]
    output_version: str | None = Field(None, pattern=EXACT_REFERENCE)
    error: str | None = Field(None, max_length=8192)


class MetricPoint(BaseModel):
    step: int
    value: float
    at: datetime


class Metrics(BaseModel):
    """Every metric of a run as a series ordered by step."""

    run_id: uuid.UUID
    series: dict[str, list[MetricPoint]]
