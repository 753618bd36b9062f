"""A promotion policy: the rules a version must pass before an alias may point at it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from kamld_common.json_numbers import JsonNumber
from kamld_metadata_hub.schemas import StrictModel

METRIC_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$"
COLUMN_PATTERN = r"^[^\x00]{1,256}$"
METADATA_KEY_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$"
ROLE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
MAX_RULES = 20

Metric = Annotated[
    str,
    Field(
        pattern=METRIC_PATTERN,
        description="A metric of the version's metadata: `run.metrics.NAME`, else `metrics.NAME`, "
        "else `NAME`",
        examples=["accuracy"],
    ),
]


class MetricNotWorse(StrictModel):
    """The candidate's metric is at least as good as the current holder's (no holder: passes)."""

    rule: Literal["metric_not_worse"]
    metric: Metric
    direction: Literal["max", "min"] = Field(
        "max", description="max: higher is better (accuracy); min: lower is better (loss)"
    )
    tolerance: JsonNumber = Field(0.0, ge=0, le=1e12, description="How much worse the candidate may be")


class MetricThreshold(StrictModel):
    """The candidate's metric lies within `min` and/or `max` (both inclusive)."""

    rule: Literal["metric_threshold"]
    metric: Metric
    min: JsonNumber | None = Field(None, ge=-1e300, le=1e300)
    max: JsonNumber | None = Field(None, ge=-1e300, le=1e300)

    @model_validator(mode="after")
    def _bounded(self) -> MetricThreshold:
        if self.min is None and self.max is None:
            raise ValueError("a metric_threshold rule needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class SignatureMatchesInputs(StrictModel):
    """The candidate's ONNX signature takes the columns of the tables it was trained on."""

    rule: Literal["signature_matches_inputs"]
    role: str | None = Field(
        None,
        pattern=ROLE_PATTERN,
        description="Only inputs in this role (default: every input but the code)",
    )
    ignore_columns: list[Annotated[str, Field(pattern=COLUMN_PATTERN)]] = Field(
        default_factory=list,
        max_length=200,
        description="Columns of the data that are no model input (the run's `target` param is always one)",
    )


class RequiresMetadata(StrictModel):
    """The candidate's metadata has `key` (a dotted path), equal to `value` when one is given."""

    rule: Literal["requires_metadata"]
    key: str = Field(pattern=METADATA_KEY_PATTERN, examples=["review.approved"])
    value: str | float | bool | None = Field(None, description="The value required (default: any)")


PolicyRule = Annotated[
    MetricNotWorse | MetricThreshold | SignatureMatchesInputs | RequiresMetadata,
    Field(discriminator="rule"),
]


class AliasPolicySet(StrictModel):
    rules: list[PolicyRule] = Field(min_length=1, max_length=MAX_RULES)


class AliasPolicyView(BaseModel):
    artifact: str
    alias: str
    rules: list[PolicyRule]
    updated_at: datetime
    updated_by: str


class GateReason(BaseModel):
    """Why one rule refuses a candidate."""

    rule: str = Field(description="The rule's name, e.g. `metric_not_worse`")
    message: str
