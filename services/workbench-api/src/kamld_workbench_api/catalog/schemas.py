"""Public request and response bodies of the catalog routes.

Responses mirror what metadata-hub and storage-gateway answer; the gateway declares them so
the public OpenAPI document describes every field. Detailed rules (name patterns, label keys,
metadata size) are enforced by the owning service and come back as 422 naming the field.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from kamld_common import patterns
from kamld_common.json_numbers import JsonNumber

Kind = Literal["dataset", "model", "code"]
DIGEST_PATTERN = patterns.DIGEST
NAME_PATTERN = patterns.NAME
ALIAS_PATTERN = patterns.ALIAS
SETTABLE_ALIAS_PATTERN = patterns.SETTABLE_ALIAS
REF_PATTERN = patterns.REF
PATH_PATTERN = patterns.PATH
UPLOAD_ID_PATTERN = patterns.UPLOAD_ID
ROLE_PATTERN = patterns.ROLE
LABEL_FILTER_PATTERN = patterns.LABEL_FILTER
LABELS_SCHEMA: JsonDict = {"propertyNames": {"pattern": patterns.LABEL_KEY}, "maxProperties": 64}
"""Label keys and their number, as metadata-hub checks them."""
LabelValue = Annotated[str, Field(max_length=256, pattern=r"^[^\x00]*$")]
Text = Annotated[str, Field(max_length=65_536, pattern=r"^[^\x00]*$")]


def _plain_json(value: dict[str, Any]) -> dict[str, Any]:
    """NaN and Infinity parse from a request body but are not JSON: refuse them here, naming the
    field, rather than fail to pass them on."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError as exc:
        raise ValueError("must be JSON without NaN or Infinity") from exc
    return value


Metadata = Annotated[dict[str, Any], AfterValidator(_plain_json)]


class Request(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class VersionLink(BaseModel):
    artifact: str
    number: int
    name: str = Field(description="`v<number>`")
    ref: str = Field(description="`<artifact>:v<number>`")
    digest: str


class InputLink(VersionLink):
    role: str


class ArtifactCreate(Request):
    name: str = Field(pattern=NAME_PATTERN, examples=["faces"])
    kind: Kind
    description: Text = ""
    labels: dict[str, LabelValue] = Field(default_factory=dict, json_schema_extra=LABELS_SCHEMA)


class ArtifactUpdate(Request):
    """A merge patch: absent fields stay; a label set to null is removed."""

    description: Text | None = None
    labels: dict[str, LabelValue | None] | None = Field(None, json_schema_extra=LABELS_SCHEMA)


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


class InputSpec(Request):
    ref: str = Field(
        max_length=300,
        description="`NAME[:REF]` of a version of another artifact",
        examples=["raw-images:v3"],
        json_schema_extra={"pattern": patterns.NAME_REF},
    )
    role: str = Field(
        max_length=32,
        examples=["trained_on", "derived_from"],
        description="How the input was used; `parent` is reserved for `parents`",
        json_schema_extra={"pattern": ROLE_PATTERN},
    )


class VersionCreate(Request):
    """A new version from a committed upload: the manifest digest names its content."""

    digest: str = Field(pattern=DIGEST_PATTERN, description="Digest of the committed manifest")
    message: Text = ""
    metadata: Metadata = Field(
        default_factory=dict,
        description="Free JSON of this version (metrics, parameters): at most 256 KiB and 32 levels deep",
    )
    inputs: list[InputSpec] = Field(default_factory=list, max_length=256)
    parents: list[str] | None = Field(
        None,
        max_length=16,
        description="Default: the artifact's latest version",
        json_schema_extra={"items": {"type": "string", "pattern": REF_PATTERN}},
    )
    expected_parent: str | None = Field(
        None,
        max_length=100,
        description="Refuse (409) unless this ref is the artifact's newest version",
        json_schema_extra={"pattern": REF_PATTERN},
    )
    kind: Kind | None = Field(None, description="Creates the artifact on first push when given")
    labels: dict[str, LabelValue] | None = Field(
        None,
        description="Labels set on the artifact with this version (merged into an existing artifact's "
        "labels); the push is refused, recording nothing, if they cannot be applied",
        json_schema_extra=LABELS_SCHEMA,
    )
    description: Text | None = Field(
        None, description="The artifact's description, set with this version (replaces an existing one)"
    )
    allow_empty: bool = Field(
        False,
        strict=True,
        description="Record a new version even when `digest` equals the newest version's; otherwise "
        "such a push records nothing and answers 200 with that version and `unchanged: true`",
    )


class VersionView(BaseModel):
    artifact: str
    kind: Kind
    number: int
    name: str
    ref: str
    digest: str
    parents: list[VersionLink]
    inputs: list[InputLink]
    message: str
    author: str
    created_at: datetime
    metadata: dict[str, Any]
    file_count: int
    total_bytes: int
    aliases: list[str]


class PushedVersionView(VersionView):
    unchanged: bool = Field(
        False,
        description="True when nothing was recorded: the newest version (this one) already holds the content",
    )


class FileView(BaseModel):
    path: str
    size: int
    mode: int
    digest: str


class GateReason(BaseModel):
    """Why one rule of a promotion policy refuses a version."""

    rule: str = Field(description="The rule's name, e.g. `metric_not_worse`")
    message: str


Metric = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$",
        description="A metric of the version's metadata: `run.metrics.NAME` (what runs record), "
        "else `metrics.NAME`, else `NAME`",
        examples=["accuracy"],
    ),
]


class MetricNotWorse(Request):
    """The candidate's metric is at least as good as the current holder's; a candidate without the
    metric fails; with no holder (or a holder without the metric) the rule passes."""

    rule: Literal["metric_not_worse"]
    metric: Metric
    direction: Literal["max", "min"] = Field(
        "max", description="max: higher is better (accuracy); min: lower is better (loss)"
    )
    tolerance: JsonNumber = Field(0.0, ge=0, le=1e12, description="How much worse the candidate may be")


class MetricThreshold(Request):
    """The candidate's metric lies within `min` and/or `max` (inclusive; at least one is given)."""

    rule: Literal["metric_threshold"]
    metric: Metric
    min: JsonNumber | None = Field(None, ge=-1e300, le=1e300)
    max: JsonNumber | None = Field(None, ge=-1e300, le=1e300)


class SignatureMatchesInputs(Request):
    """The candidate's ONNX signature (`metadata.model.signature`) takes the columns of the profiled
    tables of the versions it was trained on: inputs named like columns must be exactly the columns;
    one tensor input of shape [batch, N] must have N equal to the number of (numeric) columns."""

    rule: Literal["signature_matches_inputs"]
    role: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9_]{0,31}$",
        description="Only inputs in this role (default: every input but the code)",
    )
    ignore_columns: list[Annotated[str, Field(pattern=r"^[^\x00]{1,256}$")]] = Field(
        default_factory=list,
        max_length=200,
        description="Columns of the data that are no model input (the run's `target` param is always one)",
    )


class RequiresMetadata(Request):
    """The candidate's metadata has `key` (a dotted path), equal to `value` when one is given."""

    rule: Literal["requires_metadata"]
    key: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$", examples=["review.approved"])
    value: str | float | bool | None = Field(None, description="The value required (default: any)")


PolicyRule = Annotated[
    MetricNotWorse | MetricThreshold | SignatureMatchesInputs | RequiresMetadata,
    Field(discriminator="rule"),
]


class AliasPolicySet(Request):
    rules: list[PolicyRule] = Field(min_length=1, max_length=20)


class AliasPolicyView(BaseModel):
    artifact: str
    alias: str
    rules: list[PolicyRule]
    updated_at: datetime
    updated_by: str


class AliasSet(Request):
    version: str = Field(
        max_length=100,
        description="`v3`, `3`, another alias, or a digest prefix (empty: `latest`)",
        examples=["v3"],
        json_schema_extra={"pattern": patterns.REF_OR_LATEST},
    )
    expected_version: str | None = Field(
        None,
        max_length=100,
        json_schema_extra={"pattern": REF_PATTERN},
        description="Compare-and-set: refuse (409) unless the alias points at this version now",
    )
    override_reason: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        json_schema_extra={"pattern": r"^[^\x00]*\S[^\x00]*$"},
        description="Admins only: move even though the alias's promotion policy refuses the version; "
        "the reason is kept in the alias history (a non-admin sending it gets 403)",
    )


class AliasView(BaseModel):
    artifact: str
    alias: str
    version: VersionLink
    updated_at: datetime
    updated_by: str


class AliasEventView(BaseModel):
    id: int
    artifact: str
    alias: str
    action: Literal["set", "move", "delete"]
    from_version: int | None
    to_version: int | None
    actor: str
    at: datetime
    override_reason: str | None = Field(
        None, description="Why the move went past the alias's promotion policy (`actor` overrode it)"
    )
    overridden: list[GateReason] = Field(
        default_factory=list, description="The policy's refusals the override set aside"
    )


class FileChange(BaseModel):
    """One changed path; sizes and digests of the old and new file where they exist."""

    change: Literal["added", "removed", "modified", "renamed"]
    path: str
    old_path: str | None = None
    old_size: int | None = None
    new_size: int | None = None
    old_digest: str | None = None
    new_digest: str | None = None


class DiffView(BaseModel):
    from_version: VersionLink
    to_version: VersionLink
    changes: list[FileChange]
    next: str | None = Field(None, description="Pass as `after` for the following changes")


class LineageNode(VersionLink):
    kind: Kind
    author: str
    created_at: datetime
    message: str
    distance: int = Field(description="Edges between this version and the root (0 for the root)")


class LineageEdge(BaseModel):
    """``from`` was used to make ``to``: a parent (role `parent`) or an input in ``role``."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    source: str = Field(alias="from", description="Ref of the upstream version")
    target: str = Field(alias="to", description="Ref of the downstream version")
    role: str


class LineageGraph(BaseModel):
    root: str
    direction: Literal["up", "down", "both"]
    depth: int
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = Field(description="True when the node limit cut the walk short")
