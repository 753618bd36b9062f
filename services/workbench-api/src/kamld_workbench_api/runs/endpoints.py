"""Public run routes: thin handlers over :class:`Runs`; editors start, cancel and retry runs."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from kamld_common import patterns
from kamld_common.paging import Limit, Page, cursor_query
from kamld_workbench_api.auth.dependencies import require_editor, require_viewer
from kamld_workbench_api.auth.schemas import Caller
from kamld_workbench_api.catalog.endpoints import get_catalog
from kamld_workbench_api.catalog.service import Catalog, open_stream, segment
from kamld_workbench_api.runs.schemas import (
    FinishIn,
    MetricsView,
    RunCreate,
    RunStatus,
    RunView,
    TrackIn,
)
from kamld_workbench_api.runs.service import Runs
from kamld_workbench_api.upstreams import get_upstreams

router = APIRouter(prefix="/runs", tags=["runs"])

Viewer = [Depends(require_viewer)]
Editor = [Depends(require_editor)]
FOLLOW_TIMEOUT = httpx.Timeout(10.0, read=None)


async def get_runs(request: Request, catalog: Annotated[Catalog, Depends(get_catalog)]) -> Runs:
    return Runs(get_upstreams(request).trainer, catalog)


RunsDep = Annotated[Runs, Depends(get_runs)]
EditorCaller = Annotated[Caller, Depends(require_editor)]


@router.post("", summary="Start a run", status_code=status.HTTP_201_CREATED, operation_id="createRun")
async def create_run(body: RunCreate, runs: RunsDep, caller: EditorCaller) -> RunView:
    """Queue a run; its inputs and code are pinned to exact versions now. A bad recipe, param or
    input is refused (422, naming the field) before anything is queued."""
    return await runs.create(body, caller.name)


@router.get("", summary="List runs", dependencies=Viewer, operation_id="listRuns")
async def list_runs(
    runs: RunsDep,
    status: Annotated[RunStatus | None, Query(description="Only runs in this status")] = None,
    output: Annotated[
        str | None, Query(max_length=128, description="Only runs producing this artifact")
    ] = None,
    input: Annotated[  # noqa: A002 - the public name of the filter
        str | None, Query(max_length=140, description="Only runs reading `NAME` (any version) or `NAME:vN`")
    ] = None,
    creator: Annotated[
        str | None, Query(max_length=200, description="Only runs started by this token")
    ] = None,
    after: Annotated[str | None, cursor_query(36, patterns.UUID_CURSOR)] = None,
    limit: Limit = 50,
) -> Page[RunView]:
    """Runs, newest first."""
    return await runs.list(
        status=status.value if status else None,
        artifact=output,
        input=input,
        creator=creator,
        after=after,
        limit=limit,
    )


@router.get("/{run_id}", summary="Get a run", dependencies=Viewer, operation_id="getRun")
async def get_run(run_id: str, runs: RunsDep) -> RunView:
    """One run: its spec, status, error, metrics and the version it registered."""
    return await runs.get(run_id)


@router.get(
    "/{run_id}/logs",
    summary="Read a run's log",
    dependencies=Viewer,
    operation_id="getRunLogs",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/plain": {}}, "description": "The log from `offset`"}},
)
async def get_run_logs(
    run_id: str,
    request: Request,
    offset: Annotated[int, Query(ge=0, description="Start at this byte")] = 0,
    follow: Annotated[bool, Query(description="Keep streaming until the run ends")] = False,
) -> StreamingResponse:
    """The run's stdout and stderr; with `follow`, a stream that ends when the run does."""
    trainer = get_upstreams(request).trainer
    # a followed run may be quiet for long: no read timeout then
    extra = {"timeout": FOLLOW_TIMEOUT} if follow else {}
    response = await open_stream(
        trainer, "GET", f"/runs/{segment(run_id)}/logs", params={"offset": offset, "follow": follow}, **extra
    )
    return StreamingResponse(
        response.aiter_raw(),
        media_type="text/plain; charset=utf-8",
        background=BackgroundTask(response.aclose),
    )


@router.get(
    "/{run_id}/metrics", summary="Get a run's metrics", dependencies=Viewer, operation_id="getRunMetrics"
)
async def get_run_metrics(run_id: str, runs: RunsDep) -> MetricsView:
    """Every metric the run logged, as series by step."""
    return await runs.metrics(run_id)


@router.post("/{run_id}/cancel", summary="Cancel a run", dependencies=Editor, operation_id="cancelRun")
async def cancel_run(run_id: str, runs: RunsDep) -> RunView:
    """A queued run ends at once; a running one gets SIGTERM, then SIGKILL after a grace period."""
    return await runs.cancel(run_id)


@router.post(
    "/{run_id}/retry",
    summary="Retry a run",
    status_code=status.HTTP_201_CREATED,
    operation_id="retryRun",
)
async def retry_run(run_id: str, runs: RunsDep, caller: EditorCaller) -> RunView:
    """A new run with a finished run's spec and the same pinned input versions."""
    return await runs.retry(run_id, caller.name)


@router.post(
    "/{run_id}/track", summary="Log metrics and params", dependencies=Editor, operation_id="trackRun"
)
async def track_run(run_id: str, body: TrackIn, runs: RunsDep) -> RunView:
    """Add metrics and params to a running run (the SDK's `kamld.start_run` outside the trainer)."""
    return await runs.track(run_id, body)


@router.post(
    "/{run_id}/finish", summary="Finish a run tracked by hand", dependencies=Editor, operation_id="finishRun"
)
async def finish_run(run_id: str, body: FinishIn, runs: RunsDep) -> RunView:
    """Record how a run tracked by hand (executor `external`) ended."""
    return await runs.finish(run_id, body)
