"""Database access for walking lineage one level at a time."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_metadata_hub.models import Artifact, Version, VersionInput, VersionParent

PARENT_ROLE = "parent"

Edge = tuple[int, int, str]


class LineageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def edges_into(self, version_ids: Collection[int]) -> list[Edge]:
        """(upstream, downstream, role) for every edge that ends at one of ``version_ids``."""
        return await self._edges(VersionParent.child_id, VersionInput.version_id, version_ids)

    async def edges_out_of(self, version_ids: Collection[int]) -> list[Edge]:
        """(upstream, downstream, role) for every edge that starts at one of ``version_ids``."""
        return await self._edges(VersionParent.parent_id, VersionInput.input_id, version_ids)

    async def _edges(self, parent_end: Any, input_end: Any, version_ids: Collection[int]) -> list[Edge]:
        """Parent and input edges whose given end is one of ``version_ids``, in one query."""
        statement = union_all(
            select(VersionParent.parent_id, VersionParent.child_id, literal(PARENT_ROLE)).where(
                parent_end.in_(version_ids)
            ),
            select(VersionInput.input_id, VersionInput.version_id, VersionInput.role).where(
                input_end.in_(version_ids)
            ),
        )
        return [(source, target, role) for source, target, role in await self.session.execute(statement)]

    async def versions(self, version_ids: Collection[int]) -> dict[int, tuple[Version, Artifact]]:
        rows = await self.session.execute(
            select(Version, Artifact)
            .join(Artifact, Artifact.id == Version.artifact_id)
            .where(Version.id.in_(version_ids))
        )
        return {version.id: (version, artifact) for version, artifact in rows}
