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
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from kamld_common.openapi import complete_openapi, default_error_statuses, referenced_schemas
from kamld_workbench_api.auth.gate import SESSION_PATH
from kamld_workbench_api.auth.sessions import SESSION_COOKIE

PUBLIC_PREFIX = "/api/v1"
OPENAPI_PATH = PUBLIC_PREFIX + "/openapi.json"
BEARER_SCHEME = "HTTPBearer"
COOKIE_SCHEME = "sessionCookie"
TITLE = "KAML-D public API"
DESCRIPTION = (
    "Version datasets and models: artifacts, versions, aliases, lineage and content. "
    "Every call needs an API token (`Authorization: Bearer <token>`); roles are viewer, editor and admin. "
    "Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`."
)
SERVERS = [
    {"url": "/", "description": "The gateway serving this document (`kamld up`: http://127.0.0.1:8080)"}
]
TAGS = [
    {"name": "me", "description": "Who the calling token is"},
    {"name": "session", "description": "Browser sign-in for the Workbench: a session cookie for a token"},
    {"name": "status", "description": "Health and versions of the platform's services"},
    {"name": "tokens", "description": "API tokens (admin)"},
    {"name": "artifacts", "description": "Named datasets, models and code"},
    {"name": "versions", "description": "Immutable versions of an artifact, their log and diffs"},
    {"name": "files", "description": "The files of a version"},
    {"name": "aliases", "description": "Movable names for versions, with their history"},
    {"name": "lineage", "description": "What each version was made from"},
    {
        "name": "uploads",
        "description": "Push protocol: open a session, send missing chunks, commit a manifest",
    },
    {"name": "chunks", "description": "Content-addressed chunks, one at a time or framed in batches"},
    {"name": "manifests", "description": "Committed manifests: file lists, files and diffs by digest"},
    {"name": "gc", "description": "Garbage collection of unreferenced content (admin)"},
]
ROLE_DEPENDENCIES = {"require_editor", "require_admin"}


def public_error_statuses(route: APIRoute, method: str) -> set[int]:
    """Every public call may be refused (401, 429) or fail behind the gateway (502, 503); a route
    needing more than the viewer role refuses lower tokens (403)."""
    statuses = default_error_statuses(route, method) | {401, 429, 502, 503}
    if _dependency_names(route.dependant) & ROLE_DEPENDENCIES:
        statuses.add(403)
    return statuses


def _dependency_names(dependant: Dependant) -> set[str]:
    names = set()
    for dependency in dependant.dependencies:
        names.add(getattr(dependency.call, "__name__", ""))
        names |= _dependency_names(dependency)
    return names


def public_openapi(app: FastAPI, version: str) -> dict[str, Any]:
    """Build the public document: the app's ``/api/v1`` paths and only the schemas they use."""
    document = get_openapi(
        title=TITLE,
        version=version,
        description=DESCRIPTION,
        routes=app.routes,
        servers=SERVERS,
        tags=TAGS,
    )
    document["paths"] = {p: ops for p, ops in document["paths"].items() if p.startswith(PUBLIC_PREFIX)}
    # A browser signed in to the Workbench authenticates with its session cookie instead.
    document.setdefault("components", {}).setdefault("securitySchemes", {})[COOKIE_SCHEME] = {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The Workbench's browser session (`POST /api/v1/session`); mutations also need "
        "the `X-CSRF-Token` header",
    }
    document["security"] = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]
    for path in (SESSION_PATH, SESSION_PATH + "/methods"):
        for operation in document["paths"].get(path, {}).values():
            operation["security"] = []
    complete_openapi(document, app, public_error_statuses)
    components = document.get("components", {})
    schemas = components.get("schemas", {})
    used = referenced_schemas(document["paths"], schemas)
    components["schemas"] = {name: schema for name, schema in schemas.items() if name in used}
    return document


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
