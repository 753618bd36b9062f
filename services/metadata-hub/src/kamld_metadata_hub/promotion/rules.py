"""Evaluating a policy's rules against facts already read from the catalog: pure, no database.

Every failing rule gives one :class:`GateReason`; a move passes when there are none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kamld_metadata_hub.promotion.schemas import (
    GateReason,
    MetricNotWorse,
    MetricThreshold,
    PolicyRule,
    RequiresMetadata,
    SignatureMatchesInputs,
)

NUMERIC_COLUMN_TYPES = frozenset(
    {
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL",
        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "BOOLEAN",
    }
)  # fmt: skip
NON_NUMERIC_TENSORS = frozenset({"string", "bool", "sequence", "map", "unknown"})
MISSING = object()


@dataclass(frozen=True)
class Candidate:
    """A version as the rules see it: its reference (``faces-model:v3``) and its metadata."""

    ref: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class TrainingTable:
    """One profiled table of a training input: ``columns`` as (name, type) in table order."""

    ref: str
    path: str
    columns: list[tuple[str, str]]


@dataclass(frozen=True)
class TrainingInput:
    """An input version of the candidate, with its profiled tables; ``pending`` while it is being profiled."""

    ref: str
    role: str
    tables: list[TrainingTable] = field(default_factory=list)
    pending: bool = False


@dataclass(frozen=True)
class Facts:
    candidate: Candidate
    holder: Candidate | None
    alias: str
    inputs: list[TrainingInput] = field(default_factory=list)


def lookup(metadata: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted path of ``metadata`` (an exact key holding dots first), else MISSING."""
    if dotted in metadata:
        return metadata[dotted]
    node: Any = metadata
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def metric(metadata: dict[str, Any], name: str) -> float | None:
    """The metric ``name`` a version records: ``run.metrics.NAME`` (runs), ``metrics.NAME``, ``NAME``."""
    for path in (f"run.metrics.{name}", f"metrics.{name}", name):
        value = lookup(metadata, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def _number(value: float) -> str:
    return f"{value:g}"


def metric_not_worse(rule: MetricNotWorse, facts: Facts) -> str | None:
    candidate = metric(facts.candidate.metadata, rule.metric)
    if candidate is None:
        return f"{facts.candidate.ref} records no metric {rule.metric!r}"
    if facts.holder is None:
        return None
    held = metric(facts.holder.metadata, rule.metric)
    if held is None:
        return None
    worse = (
        candidate < held - rule.tolerance if rule.direction == "max" else candidate > held + rule.tolerance
    )
    if not worse:
        return None
    comparison = "lower" if rule.direction == "max" else "higher"
    allowed = f" (tolerance {_number(rule.tolerance)})" if rule.tolerance else ""
    return (
        f"{rule.metric} of {facts.candidate.ref} is {_number(candidate)}, {comparison} than "
        f"{_number(held)} of {facts.holder.ref}, the current {facts.alias}{allowed}"
    )


def metric_threshold(rule: MetricThreshold, facts: Facts) -> str | None:
    value = metric(facts.candidate.metadata, rule.metric)
    if value is None:
        return f"{facts.candidate.ref} records no metric {rule.metric!r}"
    measured = f"{rule.metric} of {facts.candidate.ref} is {_number(value)}"
    if rule.min is not None and value < rule.min:
        return f"{measured}, below the minimum {_number(rule.min)}"
    if rule.max is not None and value > rule.max:
        return f"{measured}, above the maximum {_number(rule.max)}"
    return None


def requires_metadata(rule: RequiresMetadata, facts: Facts) -> str | None:
    value = lookup(facts.candidate.metadata, rule.key)
    if value is MISSING:
        return f"{facts.candidate.ref} has no metadata {rule.key!r}"
    if rule.value is None or value == rule.value or str(value).lower() == str(rule.value).lower():
        return None
    return f"metadata {rule.key!r} of {facts.candidate.ref} is {value!r}, not {rule.value!r}"


def _names(names: list[str]) -> str:
    return ", ".join(names)


def signature_matches_inputs(rule: SignatureMatchesInputs, facts: Facts) -> str | None:
    ref = facts.candidate.ref
    model = facts.candidate.metadata.get("model")
    signature = model.get("signature") if isinstance(model, dict) else None
    inputs = signature.get("inputs") if isinstance(signature, dict) else None
    if not isinstance(inputs, list) or not inputs:
        return f"{ref} has no ONNX signature (metadata.model.signature.inputs) to check against its data"
    training = [i for i in facts.inputs if rule.role is None or i.role == rule.role]
    if not training:
        which = f" in role {rule.role!r}" if rule.role else ""
        return f"{ref} records no training input{which} to check its signature against"
    pending = [i.ref for i in training if not i.tables and i.pending]
    if pending:
        return f"the profile of {_names(pending)} is pending: its columns are not known yet; retry shortly"
    unprofiled = [i.ref for i in training if not i.tables]
    if unprofiled:
        return (
            f"{_names(unprofiled)} has no profiled table (CSV, TSV, Parquet or JSON Lines) to check against"
        )
    tables = [table for item in training for table in item.tables]
    chosen_file = lookup(facts.candidate.metadata, "run.params.file")
    if isinstance(chosen_file, str) and chosen_file:
        tables = [table for table in tables if table.path == chosen_file] or tables
    ignored = set(rule.ignore_columns)
    target = lookup(facts.candidate.metadata, "run.params.target")
    if isinstance(target, str):
        ignored.add(target)
    columns: dict[str, str] = {}
    for table in tables:
        for name, kind in table.columns:
            if name not in ignored:
                columns.setdefault(name, kind)
    where = _names([f"{t.ref}/{t.path}" for t in tables])
    names = [str(item.get("name", "")) for item in inputs if isinstance(item, dict)]
    if len(names) == 1 and names[0] not in columns:
        return _tensor_width(ref, inputs[0], columns, where)
    extra = [name for name in names if name not in columns]
    missing = [name for name in columns if name not in names]
    problems = []
    if missing:
        problems.append(f"columns the model does not take: {_names(missing)}")
    if extra:
        problems.append(f"model inputs the data has no column for: {_names(extra)}")
    if not problems:
        return None
    return f"the signature of {ref} does not match the columns of {where}: " + "; ".join(problems)


def _tensor_width(ref: str, tensor: dict[str, Any], columns: dict[str, str], where: str) -> str | None:
    """One tensor input (``X`` of shape [batch, width]) takes one feature per column: compare counts
    (only the numeric columns when the tensor is numeric, as a numeric model can take no text)."""
    name = tensor.get("name", "")
    shape = tensor.get("shape")
    width = shape[-1] if isinstance(shape, list) and len(shape) == 2 else None
    if not isinstance(width, int) or isinstance(width, bool):
        return (
            f"the single input {name!r} of {ref} is not named like a column of {where} and has no fixed "
            f"width (shape {shape!r}), so it cannot be matched to the columns"
        )
    numeric = str(tensor.get("type", "")) not in NON_NUMERIC_TENSORS
    usable = [
        column
        for column, kind in columns.items()
        if not numeric or kind.split("(")[0].strip().upper() in NUMERIC_COLUMN_TYPES
    ]
    if width == len(usable):
        return None
    described = "numeric columns" if numeric else "columns"
    return (
        f"the input {name!r} of {ref} takes {width} features, but {where} has {len(usable)} "
        f"{described} ({_names(usable) or 'none'})"
    )


def evaluate(rules: list[PolicyRule], facts: Facts) -> list[GateReason]:
    """Every failing rule's reason, in the policy's order."""
    reasons = []
    for rule in rules:
        if isinstance(rule, MetricNotWorse):
            message = metric_not_worse(rule, facts)
        elif isinstance(rule, MetricThreshold):
            message = metric_threshold(rule, facts)
        elif isinstance(rule, SignatureMatchesInputs):
            message = signature_matches_inputs(rule, facts)
        else:
            message = requires_metadata(rule, facts)
        if message is not None:
            reasons.append(GateReason(rule=rule.rule, message=message))
    return reasons
