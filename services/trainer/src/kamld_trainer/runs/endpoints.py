"""HTTP routes of runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, status
from fastapi.responses import StreamingResponse

from kamld_common import patterns
from kamld_common.http import current_actor
from kamld_common.paging import Page, cursor_query, limit_query
from kamld_trainer.runs.logs import RunFiles
from kamld_trainer.runs.schemas import FinishIn, Metrics, Run, RunIn, RunStatus, TrackIn
from kamld_trainer.runs.service import RunService

router = APIRouter(prefix="/runs", tags=["runs"])


async def _runs(request: Request) -> RunService:
    return RunService(request.app.state.database, executors=request.app.state.executors)


async def _files(request: Request) -> RunFiles:
    return request.app.state.run_files


def _wake(request: Request) -> None:
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake.set()


async def _actor() -> str:
    return current_actor()


Runs = Annotated[RunService, Depends(_runs)]
Actor = Annotated[str, Depends(_actor)]
Files = Annotated[RunFiles, Depends(_files)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such run"}}


@router.post("", status_code=status.HTTP_201_CREATED, summary="Queue a run")
async def create_run(body: RunIn, runs: Runs, request: Request) -> Run:
    """Check the spec (recipe, params, executor) and queue the run; nothing is queued when it is refused."""
    run = await runs.queue(body)
    _wake(request)
    return run


@router.get("", summary="List runs, newest first")
async def list_runs(
    runs: Runs,
    status: Annotated[RunStatus | None, Query(description="Only runs in this status")] = None,
    artifact: Annotated[
        str | None, Query(max_length=128, description="Only runs producing this artifact")
    ] = None,
    creator: Annotated[str | None, Query(max_length=200, description="Only runs asked for by")] = None,
    input: Annotated[  # noqa: A002 - the public name of the filter
        str | None, Query(max_length=140, description="Only runs reading `NAME` (any version) or `NAME:vN`")
    ] = None,
    after: Annotated[str | None, cursor_query(36, patterns.UUID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[Run]:
    """Page through runs from the newest backwards."""
    return await runs.page(
        status=status, artifact=artifact, creator=creator, input_ref=input, after=after, limit=limit
    )


@router.get("/{run_id}", summary="Get a run", responses=NOT_FOUND)
async def get_run(run_id: str, runs: Runs) -> Run:
    """One run by its id."""
    return await runs.get(run_id)


@router.get(
    "/{run_id}/logs",
    summary="Read a run's log",
    response_class=StreamingResponse,
    responses={**NOT_FOUND, 200: {"content": {"text/plain": {}}, "description": "The log from `offset`"}},
)
async def get_run_logs(
    run_id: str,
    runs: Runs,
    files: Files,
    offset: Annotated[int, Query(ge=0, description="Start at this byte")] = 0,
    follow: Annotated[bool, Query(description="Keep streaming until the run ends")] = False,
) -> StreamingResponse:
    """The run's output (stdout and stderr, and the executor's own lines) as plain text."""
    run = await runs.get(run_id)
    # a run tracked by hand writes no log here: following it would never end
    follow = follow and run.executor != "external"

    async def finished() -> bool:
        return (await runs.status(run_id)).finished

    return StreamingResponse(
        files.stream(run.id, offset, follow=follow, finished=finished), media_type="text/plain; charset=utf-8"
    )


@router.get("/{run_id}/metrics", summary="Get a run's metrics", responses=NOT_FOUND)
async def get_run_metrics(run_id: str, runs: Runs) -> Metrics:
    """Every metric the run logged, as series by step."""
    return await runs.metrics(run_id)


@router.post("/{run_id}/cancel", summary="Cancel a run", responses=NOT_FOUND)
async def cancel_run(run_id: str, runs: Runs, actor: Actor) -> Run:
    """A queued run ends at once; a running one is stopped (SIGTERM, then SIGKILL)."""
    return await runs.cancel(run_id, actor)


@router.post(
    "/{run_id}/retry", status_code=status.HTTP_201_CREATED, summary="Retry a run", responses=NOT_FOUND
)
async def retry_run(
    run_id: str,
    runs: Runs,
    request: Request,
    actor: Actor,
    creator: Annotated[str, Body(embed=True, max_length=200)] = "",
) -> Run:
    """Queue a new run with a finished run's spec and pinned inputs (for `creator`, default the caller)."""
    run = await runs.retry(run_id, creator or actor)
    _wake(request)
    return run


@router.post("/{run_id}/track", summary="Log metrics and params", responses=NOT_FOUND)
async def track_run(run_id: str, body: TrackIn, runs: Runs) -> Run:
    """Add metrics and params to a running run (used by the SDK for runs tracked by hand)."""
    return await runs.track(run_id, body)


@router.post("/{run_id}/finish", summary="Finish a run tracked by hand", responses=NOT_FOUND)
async def finish_run(run_id: str, body: FinishIn, runs: Runs) -> Run:
    """Record how a run tracked by hand (executor `external`) ended."""
    return await runs.finish(run_id, body)
