"""Version metadata must be plain JSON of bounded depth and size before the gateway passes it on."""

from __future__ import annotations

import json
from typing import Any

from kamld_common.errors import Invalid
from kamld_common.jsondepth import json_depth


def check_metadata(metadata: dict[str, Any], *, max_depth: int, max_bytes: int) -> None:
    """Refuse (422, naming ``metadata``) metadata nested deeper than ``max_depth`` containers or
    larger than ``max_bytes`` as compact JSON (NaN and Infinity are refused by the schema first)."""
    depth = json_depth(metadata, max_depth)
    if depth > max_depth:
        raise Invalid(
            f"metadata is nested more than {max_depth} levels deep",
            field=["body", "metadata"],
            code="metadata_too_deep",
            extra={"limit_depth": max_depth},
        )
    size = len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode())
    if size > max_bytes:
        raise Invalid(
            f"metadata is {size} bytes as JSON; the limit is {max_bytes}",
            field=["body", "metadata"],
            code="metadata_too_large",
            extra={"limit_bytes": max_bytes},
        )
