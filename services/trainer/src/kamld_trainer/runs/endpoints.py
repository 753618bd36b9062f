"""HTTP routes of runs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_trainer.runs.repository import SqlRunRepository
from kamld_trainer.runs.schemas import Run, RunIn, RunPage, RunStatus
from kamld_trainer.runs.service import RunService

router = APIRouter(prefix="/runs", tags=["runs"])


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.database.unit_of_work() as session:
        yield session


# scope="function": the unit of work commits before the response is sent, so a 201 means stored.
def _runs(session: Annotated[AsyncSession, Depends(_session, scope="function")]) -> RunService:
    return RunService(SqlRunRepository(session))


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
    after: Annotated[uuid.UUID | None, Query(description="`next_after` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size")] = 50,
) -> RunPage:
    """Page through runs from the newest backwards."""
    return await runs.page(status=status, artifact=artifact, after=after, limit=limit)


@router.get("/{run_id}", summary="Get a run", responses={404: {"description": "No such run"}})
async def get_run(run_id: str, runs: Runs) -> Run:
    """One run by its id."""
    return await runs.get(run_id)
