"""What every service's OpenAPI document shares: operation ids, the problem schema, error statuses.

FastAPI describes the happy path of each route; this module completes the document with what the
shared error plumbing (:mod:`kamld_common.errors`) really sends: every error is an RFC 9457 problem
under ``application/problem+json``, and each operation declares the statuses it can answer with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field

from kamld_common.errors import PROBLEM_JSON

SCHEMA_REF = "#/components/schemas/"
INTERNAL_TOKEN_SCHEME = "internalToken"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed (e.g. a bad chunk frame)",
    401: "Missing or invalid credentials",
    403: "The credentials do not allow this",
    404: "Not found; `code` says what",
    408: "The request's headers or body stopped arriving within the server's timeout",
    409: "Conflicts with the current state (a lost compare-and-set, a name taken)",
    410: "The upload session expired",
    413: "The request body or one of its parts is too large",
    416: "Range not satisfiable",
    422: "Invalid input; `errors` names each bad field",
    429: "Too many requests; `Retry-After` says when to retry",
    431: "The request line and headers are over the limit",
    502: "A service behind this one answered with an error",
    503: "A service behind this one is unavailable",
}


class ProblemFieldError(BaseModel):
    loc: list[str | int] = Field(description='Where the bad value is: `["body", "name"]`, `["path", "ref"]`')
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of a KAML-D service is reported."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem; ends with `code`")
    title: str
    status: int
    detail: str = Field(description="What went wrong, in words naming the field, file or reference")
    code: str = Field(description="Stable machine-readable error code, e.g. `artifact_not_found`")
    instance: str | None = Field(None, description="The request path")
    errors: list[ProblemFieldError] | None = Field(None, description="Each invalid field (422 only)")


def operation_id(route: APIRoute) -> str:
    """A verbNoun id from the handler's name: ``list_artifacts`` -> ``listArtifacts``.

    A one-word handler (``create``) gets its tag's singular: ``createArtifact``.
    """
    words = route.name.split("_")
    if len(words) == 1 and route.tags:
        words.append(_singular(str(route.tags[0])))
    return words[0] + "".join(word[:1].upper() + word[1:] for word in words[1:])


def _singular(word: str) -> str:
    word = word.replace("-", "").replace("_", "")
    return word[:-2] if word.endswith("ses") else word.removesuffix("s")


StatusRule = Callable[[APIRoute, str], Iterable[int]]


def default_error_statuses(route: APIRoute, method: str) -> set[int]:
    """What the shared plumbing can answer on any route: 422 for bad input, 408 and 431 for a request
    line and headers too slow or over the server's limit, 404 for unknown path
    parameters, 409 for writes that lose a race, 400/413 for bodies it cannot read or take, 410 for
    an expired upload session."""
    statuses = {408, 422, 431}
    if route.dependant.path_params:
        statuses.add(404)
    if method in WRITE_METHODS:
        statuses.add(409)
    if route.body_field is not None or (route.openapi_extra or {}).get("requestBody"):
        statuses |= {400, 413}
    if "upload_id" in {param.name for param in route.dependant.path_params}:
        statuses.add(410)
    return statuses


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The app's API routes as mounted (prefix, tags and dependencies of their routers applied)."""
    return [
        cast(APIRoute, context)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.include_in_schema
    ]


def complete_openapi(document: dict[str, Any], app: FastAPI, statuses: StatusRule) -> dict[str, Any]:
    """Declare ``statuses(route, method)`` on every operation as problem+json, and move the error
    responses FastAPI declared under ``application/json`` to ``application/problem+json``."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem_schemas = Problem.model_json_schema(ref_template=SCHEMA_REF + "{model}")
    schemas.update(problem_schemas.pop("$defs", {}))
    schemas["Problem"] = problem_schemas
    problem = {"$ref": SCHEMA_REF + "Problem"}
    for route in api_routes(app):
        operations = document.get("paths", {}).get(route.path_format, {})
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in statuses(route, method):
                responses.setdefault(str(status), {"description": STATUS_DESCRIPTIONS.get(status, "Error")})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_JSON: {"schema": problem}}
    _drop_unused_schemas(document, keep={"Problem"})
    rename_generic_schemas(document)
    return document


GENERIC_NAME = re.compile(r"^([A-Za-z0-9]+)_([A-Za-z0-9]+)_$")


def rename_generic_schemas(document: dict[str, Any]) -> None:
    """Name a generic model's schema as a type: ``Page_ArtifactView_`` becomes ``ArtifactViewPage``,
    which is what a generated client calls it (``components["schemas"]["ArtifactViewPage"]``)."""
    schemas = document.get("components", {}).get("schemas", {})
    renames = {}
    for name in list(schemas):
        match = GENERIC_NAME.match(name)
        if match and match.group(2) + match.group(1) not in schemas:
            renames[SCHEMA_REF + name] = SCHEMA_REF + match.group(2) + match.group(1)
    if not renames:
        return
    for old, new in renames.items():
        schema = schemas.pop(old[len(SCHEMA_REF) :])
        schema["title"] = new[len(SCHEMA_REF) :]
        schemas[new[len(SCHEMA_REF) :]] = schema
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in renames:
                node["$ref"] = renames[ref]
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _drop_unused_schemas(document: dict[str, Any], keep: set[str]) -> None:
    """Remove the schemas no operation reaches (FastAPI's ``HTTPValidationError``, once replaced)."""
    schemas = document.get("components", {}).get("schemas", {})
    used = referenced_schemas(document.get("paths", {}), schemas)
    used |= referenced_schemas([schemas[name] for name in keep if name in schemas], schemas) | keep
    for name in list(schemas):
        if name not in used:
            del schemas[name]


def referenced_schemas(root: Any, schemas: dict[str, Any]) -> set[str]:
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


def install_openapi(
    app: FastAPI,
    statuses: StatusRule = default_error_statuses,
    *,
    token_header: str | None = None,
    open_paths: Iterable[str] = (),
) -> None:
    """Serve ``app``'s document completed by :func:`complete_openapi` at its usual ``/openapi.json``.

    With ``token_header``, the document names that header as the security every operation needs,
    except those at ``open_paths``.
    """
    plain = app.openapi
    unguarded = set(open_paths)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = complete_openapi(plain(), app, statuses)
            if token_header:
                require_token(document, token_header, unguarded)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def require_token(document: dict[str, Any], header: str, open_paths: set[str]) -> None:
    """Declare the internal token as global security; operations at ``open_paths`` need none."""
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[INTERNAL_TOKEN_SCHEME] = {
        "type": "apiKey",
        "in": "header",
        "name": header,
        "description": "The platform's internal token, shared by its services",
    }
    document["security"] = [{INTERNAL_TOKEN_SCHEME: []}]
    for path, operations in document.get("paths", {}).items():
        if path in open_paths:
            for operation in operations.values():
                operation["security"] = []
