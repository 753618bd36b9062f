"""The public ``/api/v1`` router: every feature router of the gateway, under one prefix.

Each route names its operation (``operation_id``, verbNoun) and its one tag; the error responses
are declared for all of them by :mod:`kamld_workbench_api.openapi`.
"""

from __future__ import annotations

from fastapi import APIRouter

from kamld_workbench_api.auth.endpoints import me_router
from kamld_workbench_api.auth.endpoints import router as tokens_router
from kamld_workbench_api.catalog.endpoints import router as catalog_router
from kamld_workbench_api.content.endpoints import router as content_router
from kamld_workbench_api.query.endpoints import router as query_router

public_router = APIRouter(prefix="/api/v1")
public_router.include_router(me_router)
public_router.include_router(tokens_router)
public_router.include_router(catalog_router)
public_router.include_router(content_router)
public_router.include_router(query_router)
