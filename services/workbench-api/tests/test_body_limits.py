"""Every route of the public API gets the body limit its body calls for: the streamed limit for
content bodies (chunks, files, NDJSON), the JSON limit for everything else."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kamld_workbench_api.limits.body import BodyLimits

DOCUMENT = Path(__file__).resolve().parents[3] / "docs/openapi/public-v1.json"
LIMITS = BodyLimits(json_bytes=1, streamed_bytes=2)


def concrete(template: str) -> str:
    return re.sub(r"\{path\}", "a/b.txt", re.sub(r"\{(?!path\})[^}]+\}", "x1", template))


def test_streamed_bodies_and_json_bodies_get_their_own_limits() -> None:
    operations = json.loads(DOCUMENT.read_text())["paths"]
    checked = 0
    for template, methods in operations.items():
        for method, operation in methods.items():
            if "requestBody" not in operation:
                continue
            media_types = set(operation["requestBody"]["content"])
            expected = LIMITS.json_bytes if media_types == {"application/json"} else LIMITS.streamed_bytes
            assert LIMITS.for_route(method.upper(), concrete(template)) == expected, (method, template)
            checked += 1
    assert checked >= 10


def test_other_methods_on_a_streamed_path_get_the_json_limit() -> None:
    assert LIMITS.for_route("GET", "/api/v1/chunks/x1") == LIMITS.json_bytes
    assert LIMITS.for_route("PUT", "/api/v1/chunks/x1/extra") == LIMITS.json_bytes
