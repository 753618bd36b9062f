"""The public OpenAPI document: only ``/api/v1`` routes, with the bearer-token scheme.

It is served at ``/api/v1/openapi.json`` and committed as ``docs/openapi/public-v1.json``;
``python -m kamld_workbench_api.openapi [PATH]`` regenerates the committed copy.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PUBLIC_PREFIX = "/api/v1"
OPENAPI_PATH = PUBLIC_PREFIX + "/openapi.json"
SCHEMA_REF = "#/components/schemas/"
TITLE = "KAML-D public API"
DESCRIPTION = (
    "Version datasets and models: artifacts, versions, aliases, lineage and content. "
    "Every call needs an API token (`Authorization: Bearer <token>`); roles are viewer, editor and admin. "
    "Errors are RFC 9457 problem details with a stable `code`."
)


def public_openapi(app: FastAPI, version: str) -> dict[str, Any]:
    """Build the public document: the app's ``/api/v1`` paths and only the schemas they use."""
    document = get_openapi(title=TITLE, version=version, description=DESCRIPTION, routes=app.routes)
    document["paths"] = {p: ops for p, ops in document["paths"].items() if p.startswith(PUBLIC_PREFIX)}
    components = document.get("components", {})
    schemas = components.get("schemas", {})
    used = _referenced_schemas(document["paths"], schemas)
    components["schemas"] = {name: schema for name, schema in schemas.items() if name in used}
    return document


def _referenced_schemas(root: Any, schemas: dict[str, Any]) -> set[str]:
    """Names of the component schemas reachable from ``root`` through ``$ref``s."""
    seen: set[str] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
                name = ref[len(SCHEMA_REF) :]
                if name not in seen and name in schemas:
                    seen.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def install_public_openapi(app: FastAPI, version: str) -> None:
    cache: dict[str, Any] = {}

    @app.get(OPENAPI_PATH, include_in_schema=False)
    async def openapi_document() -> dict[str, Any]:
        if "doc" not in cache:
            cache["doc"] = public_openapi(app, version)
        return cache["doc"]


def render(document: dict[str, Any]) -> str:
    """The canonical text of the committed document (stable key order, trailing newline)."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    from kamld_workbench_api import __version__
    from kamld_workbench_api.app import create_app

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/openapi/public-v1.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(public_openapi(create_app(), __version__)))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
