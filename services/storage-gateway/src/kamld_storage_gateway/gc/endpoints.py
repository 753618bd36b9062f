"""Garbage collection route (admin; reached through workbench-api's ``kamld gc``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from prometheus_client import Counter

from kamld_common.http import current_actor
from kamld_storage_gateway.dependencies import Services, services
from kamld_storage_gateway.gc.schemas import GcResult

MAX_GRACE_S = 100 * 365 * 86_400
"""A longer grace period would put the cutoff before the calendar's start (an overflow, not a rule)."""

RECLAIMED = Counter("kamld_storage_gc_reclaimed_bytes_total", "Bytes garbage collection deleted")

router = APIRouter(tags=["gc"])


@router.post(
    "/gc",
    summary="Collect garbage",
    response_model=GcResult,
    operation_id="collectGarbage",
    responses={409: {"description": "`gc_held`: a backup holds deletions off (dry runs still count)"}},
)
async def collect(
    svc: Annotated[Services, Depends(services)],
    dry_run: Annotated[bool, Query(description="Only count what would be deleted")] = True,
    grace_s: Annotated[
        int | None,
        Query(ge=0, le=MAX_GRACE_S, description="Override the grace period (seconds, at most a century)"),
    ] = None,
) -> GcResult:
    """Delete objects that no catalog version and no open upload references, older than the grace period."""
    grace = svc.settings.gc_grace_s if grace_s is None else grace_s
    actor = current_actor()
    report = await svc.collector.run(dry_run=dry_run, grace_s=grace, actor=actor)
    if not report.dry_run:
        RECLAIMED.inc(report.bytes)
    return GcResult(objects=report.objects, bytes=report.bytes, dry_run=report.dry_run, marked=report.marked)
