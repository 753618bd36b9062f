"""``GET /api/v1/status``: observation-hub's report, or the gateway's own probes when it is down."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from kamld_common.errors import KamldError
from kamld_common.status import PlatformStatus, own_status, platform_status
from kamld_workbench_api import __version__
from kamld_workbench_api.auth.dependencies import require_viewer
from kamld_workbench_api.auth.schemas import Caller
from kamld_workbench_api.upstreams import Upstreams, get_upstreams

router = APIRouter(prefix="/api/v1", tags=["status"])


@router.get("/status", summary="Platform status", response_model=PlatformStatus, operation_id="getStatus")
async def get_status(
    request: Request,
    _: Annotated[Caller, Depends(require_viewer)],
    upstreams: Annotated[Upstreams, Depends(get_upstreams)],
) -> PlatformStatus:
    """Health, readiness, version and key figures of every service; ``status`` is ``degraded`` when any
    is not ready. Without observation-hub the gateway probes the services itself (no figures then)."""
    try:
        answer = await upstreams.observation_hub.request("GET", "/status", retry=False, timeout=10.0)
        return PlatformStatus.model_validate(answer.json())
    except (KamldError, ValueError):
        settings = request.app.state.settings
        own = own_status(
            settings.service_name,
            str(request.base_url).rstrip("/"),
            __version__,
            {"database": request.app.state.database.ping},
        )
        return await platform_status(own, upstreams.by_name())
