"""The public ``/api/v1`` router: every feature router of the gateway, under one prefix.

Each route names its operation (``operation_id``, verbNoun) and its one tag; the error responses
are declared for all of them by :mod:`kamld_workbench_api.openapi`.
"""

from __future__ import annotations

from fastapi import APIRouter

from kamld_workbench_api.activity.endpoints import router as events_router
from kamld_workbench_api.auth.endpoints import me_router, session_router
from kamld_workbench_api.auth.endpoints import router as tokens_router
from kamld_workbench_api.catalog.endpoints import router as catalog_router
from kamld_workbench_api.content.endpoints import router as content_router
from kamld_workbench_api.profiles.endpoints import router as profiles_router
from kamld_workbench_api.query.endpoints import router as query_router
from kamld_workbench_api.recall.endpoints import router as recall_router
from kamld_workbench_api.rowdiff.endpoints import router as rowdiff_router
from kamld_workbench_api.runs.endpoints import router as runs_router
from kamld_workbench_api.search.endpoints import router as search_router
from kamld_workbench_api.webhooks.endpoints import router as webhooks_router

public_router = APIRouter(prefix="/api/v1")
public_router.include_router(me_router)
public_router.include_router(session_router)
public_router.include_router(tokens_router)
public_router.include_router(rowdiff_router)
public_router.include_router(catalog_router)
public_router.include_router(content_router)
public_router.include_router(search_router)
public_router.include_router(recall_router)
public_router.include_router(profiles_router)
public_router.include_router(events_router)
public_router.include_router(webhooks_router)
public_router.include_router(runs_router)
public_router.include_router(query_router)
