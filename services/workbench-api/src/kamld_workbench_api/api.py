"""The public ``/api/v1`` router: every feature router of the gateway, under one prefix."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from kamld_workbench_api.auth.endpoints import router as tokens_router
from kamld_workbench_api.catalog.endpoints import router as catalog_router
from kamld_workbench_api.content.endpoints import router as content_router


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is reported."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable error code")
    instance: str | None = None


def _operation_id(route: APIRoute) -> str:
    """Short, stable operation ids (``tokens-create``) that generated clients turn into method names."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token", **PROBLEM},
    403: {"description": "The token's role does not allow this", **PROBLEM},
    404: {"description": "Not found", **PROBLEM},
    422: {"description": "Invalid input; `errors` names the fields", **PROBLEM},
}

public_router = APIRouter(
    prefix="/api/v1", responses=PROBLEM_RESPONSES, generate_unique_id_function=_operation_id
)
public_router.include_router(tokens_router)
public_router.include_router(catalog_router)
public_router.include_router(content_router)
