"""``GET /status``: the platform's status, which the gateway's ``/api/v1/status`` serves."""

from __future__ import annotations

from fastapi import APIRouter, Request

from kamld_common.status import PlatformStatus

router = APIRouter(tags=["status"])


@router.get("/status", summary="Platform status with key figures")
async def get_status(request: Request) -> PlatformStatus:
    """Readiness, version and key figures (rate, latency, errors, backlog, ...) of every service."""
    return await request.app.state.status.collect()
