"""HTTP routes of runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from kamld_common import patterns
from kamld_common.paging import Page, cursor_query, limit_query
from kamld_trainer.runs.schemas import Run, RunIn, RunStatus
from kamld_trainer.runs.service import RunService

router = APIRouter(prefix="/runs", tags=["runs"])


async def _runs(request: Request) -> RunService:
    return RunService(request.app.state.database)


Runs = Annotated[RunService, Depends(_runs)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Queue a run")
async def create_run(body: RunIn, runs: Runs) -> Run:
    """Record a run with status `queued` (execution is not available yet)."""
    return await runs.queue(body)


@router.get("", summary="List runs, newest first")
async def list_runs(
    runs: Runs,
    status: Annotated[RunStatus | None, Query(description="Only runs in this status")] = None,
    artifact: Annotated[
        str | None, Query(max_length=128, description="Only runs producing this artifact")
    ] = None,
    after: Annotated[str | None, cursor_query(36, patterns.UUID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[Run]:
    """Page through runs from the newest backwards."""
    return await runs.page(status=status, artifact=artifact, after=after, limit=limit)


@router.get("/{run_id}", summary="Get a run", responses={404: {"description": "No such run"}})
async def get_run(run_id: str, runs: Runs) -> Run:
    """One run by its id."""
    return await runs.get(run_id)
