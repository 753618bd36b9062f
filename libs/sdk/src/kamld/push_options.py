"""What a push records besides content (kind, labels, text, metadata, input roles), checked on
the client before a byte is sent.

The catalog enforces the same rules (and answers 422 naming the field); checking them here first
means a push it would refuse uploads nothing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kamld.errors import InvalidInput

KINDS = ("dataset", "model", "code")
ROLE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_TEXT = 65_536
LABEL_KEY = re.compile(r"[a-z0-9](?:[a-z0-9._/-]{0,61}[a-z0-9])?")
MAX_LABELS = 64
MAX_LABEL_VALUE = 256
MAX_METADATA_BYTES = 262_144
MAX_METADATA_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def metadata_value(text: str) -> Any:
    """``VALUE`` of ``--metadata KEY=VALUE``: a JSON number or boolean stays one, anything else is text."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        return text
    if isinstance(value, float) and not math.isfinite(value):
        return text
    return value if isinstance(value, bool | int | float) else text


def metadata_pairs(items: Iterable[str]) -> dict[str, Any]:
    """``KEY=VALUE`` items as metadata (see :func:`metadata_value`)."""
    metadata: dict[str, Any] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise InvalidInput(f"metadata {item!r} must be KEY=VALUE", code="invalid_metadata")
        metadata[key] = metadata_value(value)
    return metadata


def metadata_file(path: Path) -> dict[str, Any]:
    """A JSON object read from ``path`` (numbers stay numbers); NaN and Infinity are refused."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"metadata file {path}: {exc.strerror or exc}", code="invalid_metadata") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"metadata file {path} is not UTF-8 text", code="invalid_metadata") from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"metadata file {path} is not JSON: {exc}", code="invalid_metadata") from None
    if not isinstance(value, dict):
        raise InvalidInput(
            f"metadata file {path} must hold a JSON object, not {type(value).__name__}",
            code="invalid_metadata",
        )
    where = _non_finite(value, "")
    if where is not None:
        raise InvalidInput(
            f"metadata file {path}: {where} is NaN or infinite; metadata must be plain JSON",
            code="invalid_metadata",
        )
    return value


def _non_finite(value: Any, where: str) -> str | None:
    """The first place in ``value`` holding NaN or an infinity, as ``loss`` or ``scores[2]``."""
    pending = [(value, where)]
    while pending:
        item, at = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return at
        if isinstance(item, Mapping):
            pending.extend((child, f"{at}.{key}" if at else str(key)) for key, child in item.items())
        elif isinstance(item, list | tuple):
            pending.extend((child, f"{at}[{index}]") for index, child in enumerate(item))
    return None


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest


def check_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse metadata the catalog would refuse, naming the key: not JSON, NaN/Infinity, too big or deep."""
    where = _non_finite(metadata, "")
    if where is not None:
        raise InvalidInput(
            f"metadata {where} is NaN or infinite; metadata must be plain JSON", code="invalid_metadata"
        )
    if _depth(metadata) > MAX_METADATA_DEPTH:
        raise InvalidInput(
            f"metadata nests objects and arrays more than {MAX_METADATA_DEPTH} levels deep",
            code="invalid_metadata",
        )
    try:
        encoded = json.dumps(metadata, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"metadata is not JSON: {exc}", code="invalid_metadata") from None
    if len(encoded.encode()) > MAX_METADATA_BYTES:
        raise InvalidInput(
            f"metadata is {len(encoded.encode())} bytes as JSON; at most {MAX_METADATA_BYTES}",
            code="invalid_metadata",
        )
    return dict(metadata)


def check_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Refuse labels the catalog would refuse, naming the label."""
    if len(labels) > MAX_LABELS:
        raise InvalidInput(f"at most {MAX_LABELS} labels, not {len(labels)}", code="invalid_label")
    for key, value in labels.items():
        if not LABEL_KEY.fullmatch(key):
            raise InvalidInput(
                f"label key {key!r} is invalid: 1-63 characters of a-z, 0-9, '.', '_', '/' or '-', "
                "starting and ending with a letter or digit",
                code="invalid_label",
            )
        if len(value) > MAX_LABEL_VALUE or "\x00" in value:
            raise InvalidInput(
                f"label {key}: the value must be at most {MAX_LABEL_VALUE} characters, without NUL",
                code="invalid_label",
            )
    return dict(labels)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"kind {kind!r} is not one of {', '.join(KINDS)}", code="invalid_kind")
    return kind


def check_text(text: str, what: str) -> str:
    """A message or description: at most 64 KiB characters, without NUL."""
    if len(text) > MAX_TEXT or "\x00" in text:
        raise InvalidInput(f"{what} must be at most {MAX_TEXT} characters, without NUL", code="invalid_text")
    return text


def check_role(role: str, ref: str) -> str:
    """The role of an input: a lowercase word; ``parent`` is the catalog's own."""
    if not ROLE.fullmatch(role) or role == "parent":
        raise InvalidInput(
            f"input {ref}: role {role!r} must be 1-32 of a-z, 0-9, '_', starting with a letter, not 'parent'",
            code="invalid_role",
        )
    return role
