"""FastAPI dependencies shared by the routers: the database and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from kamld_common.db import Database
from kamld_common.http import current_actor
from kamld_metadata_hub.versions.cache import ResolutionCache


# Both are async so FastAPI calls them inline: a plain ``def`` dependency costs a thread-pool hop.
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_resolution_cache(request: Request) -> ResolutionCache:
    return request.app.state.resolution_cache


async def get_actor() -> str:
    """Who acts: the user workbench-api authenticated (``X-Kamld-Caller``), else ``anonymous``."""
    return current_actor()


DatabaseDep = Annotated[Database, Depends(get_database)]
ActorDep = Annotated[str, Depends(get_actor)]
ResolutionCacheDep = Annotated[ResolutionCache, Depends(get_resolution_cache)]
ArtifactName = Annotated[
    str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$", description="Artifact name", examples=["faces"])
]
